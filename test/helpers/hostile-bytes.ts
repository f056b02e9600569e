/**
 * GraphProto nested through If attributes `depth` times: node(5) -> attribute(5) -> g(6) -> ...
 * Every level is only a prefix (tag + length) in front of the inner bytes, so the prefixes are built
 * from the inside out and joined once.
 */
export function deeplyNested(depth: number): Uint8Array {
  const prefixes: number[][] = [];
  let inner = 0;
  const wrap = (tag: number) => {
    const prefix = [tag, ...varint(inner)];
    prefixes.push(prefix);
    inner += prefix.length;
  };
  for (let i = 0; i < depth; i++) {
    wrap(0x32); // AttributeProto.g
    wrap(0x2a); // NodeProto.attribute
    wrap(0x0a); // GraphProto.node
  }
  wrap(0x3a); // ModelProto.graph
  return new Uint8Array([0x08, 0x07, ...prefixes.reverse().flat()]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
