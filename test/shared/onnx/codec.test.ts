import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeModel } from '../../../shared/onnx/decode.js';
import { encodeMessage, encodeModel, encodeModelChunks } from '../../../shared/onnx/encode.js';
import type { ModelProto, TensorProto } from '../../../shared/onnx/types.js';
import { DIGITS, SHAPES, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';

/** Wire bytes for a field the schema does not know: tag, then a varint or length-delimited payload. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
  return [...out, n];
}
function unknownVarintField(no: number, value: number): number[] {
  return [...varint(no * 8), ...varint(value)];
}
function unknownBytesField(no: number, payload: number[]): number[] {
  return [...varint(no * 8 + 2), ...varint(payload.length), ...payload];
}

describe('ONNX codec', () => {
  it.each([DIGITS, SHAPES])('re-encodes %s byte for byte', (file) => {
    const bytes = readFileSync(file);
    const decoded = decodeModel(bytes);
    expect(decoded.graph?.node?.length).toBeGreaterThan(10);
    expect(Buffer.compare(Buffer.from(encodeModel(decoded)), bytes)).toBe(0);
  });

  it('keeps initializer bytes as views into the file buffer (no copy)', () => {
    const bytes = readFileSync(DIGITS);
    const decoded = decodeModel(bytes);
    const withRaw = decoded.graph!.initializer!.filter((t) => t.rawData && t.rawData.length > 0);
    expect(withRaw.length).toBeGreaterThan(0);
    for (const t of withRaw) expect(t.rawData!.buffer).toBe(bytes.buffer);
  });

  it('passes large weights through encoding as their own chunks', () => {
    const big = new Uint8Array(256 * 1024).fill(7);
    const m = model({ initializer: [{ name: 'w', dims: [65536], dataType: 1, rawData: big }], node: [], input: [], output: [] });
    const chunks = encodeModelChunks(m);
    expect(chunks).toContain(big);
    expect(decodeModel(encodeModel(m)).graph!.initializer![0]!.rawData).toEqual(big);
  });

  it('round-trips int64 extremes, negative int32 enums and packed/unpacked repeated fields', () => {
    const t: TensorProto = {
      name: 'ints',
      dims: [3],
      dataType: 7,
      int64Data: [9223372036854775807n, -9223372036854775808n, -1],
      int32Data: [-5, 0, 2147483647],
      uint64Data: [18446744073709551615n, 0, 2 ** 53 - 1],
      floatData: new Float32Array([1.5, -0, Number.NaN]),
      doubleData: new Float64Array([Math.PI]),
    };
    const back = decodeMessage<TensorProto>(encodeMessage(t, 'TensorProto'), 'TensorProto');
    expect(back.int64Data).toEqual([9223372036854775807n, -9223372036854775808n, -1]);
    expect(back.int32Data).toEqual([-5, 0, 2147483647]);
    expect(back.uint64Data).toEqual([18446744073709551615n, 0, 2 ** 53 - 1]);
    expect(Array.from(back.floatData!)).toEqual([1.5, -0, Number.NaN]);
    expect(Array.from(back.doubleData!)).toEqual([Math.PI]);
    // Unpacked encoding of a packed field (allowed by protobuf) decodes the same.
    const unpacked = new Uint8Array([0x20 | 5, 0, 0, 0xc0, 0x3f, 0x20 | 5, 0, 0, 0x20, 0x40]); // float_data 1.5, 2.5
    expect(Array.from(decodeMessage<TensorProto>(unpacked, 'TensorProto').floatData!)).toEqual([1.5, 2.5]);
  });

  it('keeps fields it does not know and writes them back', () => {
    const base = encodeModel(model({ node: [node('Relu', ['x'], ['y'])], input: [tensorValue('x', [2])], output: [tensorValue('y', [2])] }));
    // Append unknown field 99 (varint) and field 100 (bytes) to the ModelProto.
    const withUnknown = new Uint8Array([...base, ...unknownVarintField(99, 42), ...unknownBytesField(100, [1, 2, 3])]);
    const decoded = decodeModel(withUnknown);
    expect(decoded.$unknown?.length).toBe(2);
    const again = encodeModel(decoded);
    expect(Buffer.compare(Buffer.from(again), Buffer.from(withUnknown))).toBe(0);
    // A nested unknown field (inside a NodeProto) survives too.
    const n = decodeMessage<Record<string, unknown>>(new Uint8Array([...encodeMessage(node('Relu', ['a'], ['b']), 'NodeProto'), ...unknownVarintField(50, 7), ...unknownBytesField(51, [9, 9])]), 'NodeProto');
    expect((n.$unknown as Uint8Array[]).length).toBe(2);
    expect(decodeMessage<Record<string, unknown>>(encodeMessage(n, 'NodeProto'), 'NodeProto').$unknown).toEqual(n.$unknown);
  });

  it('writes the newest IR fields so that python onnx reads an equal message', () => {
    const newest: ModelProto = model(
      {
        node: [
          node('Identity', ['x'], ['y'], 'id0', {
            overload: 'v2',
            metadataProps: [{ key: 'origin', value: 'layer.0' }],
            deviceConfigurations: [{ configurationId: 'cfg', pipelineStage: 1 } as never],
          }),
        ],
        input: [tensorValue('x', [2], 17)],
        output: [tensorValue('y', [2], 17)],
        initializer: [
          { name: 'f8', dims: [4], dataType: 17, rawData: new Uint8Array([1, 2, 3, 4]) },
          { name: 'i4', dims: [4], dataType: 22, rawData: new Uint8Array([0x21, 0x43]) },
          { name: 'u4', dims: [3], dataType: 21, rawData: new Uint8Array([0x21, 0x03]) },
          { name: 'f4', dims: [2], dataType: 23, rawData: new Uint8Array([0x21]) },
        ],
        metadataProps: [{ key: 'graph-level', value: 'yes' }],
      },
      21,
      {
        irVersion: 11,
        functions: [{ name: 'F', domain: 'custom', overload: 'o1', input: ['a'], output: ['b'], node: [node('Relu', ['a'], ['b'])], opsetImport: [{ domain: '', version: 21 }], metadataProps: [{ key: 'k', value: 'v' }] }],
        configuration: [{ name: 'cfg', numDevices: 2, device: ['gpu0', 'gpu1'] }],
        metadataProps: [{ key: 'author', value: 'test ✓' }],
      },
    );
    const dir = tempDir();
    const file = path.join(dir, 'newest.onnx');
    const bytes = encodeModel(newest);
    writeFileSync(file, bytes);
    // Python parses it (unknown newer fields stay in its message), re-serializes, and we compare.
    const out = path.join(dir, 'python.onnx');
    runPython(
      `import onnx, sys
m = onnx.load(sys.argv[1])
assert m.ir_version == 11 and m.graph.initializer[1].data_type == 22
assert m.metadata_props[0].value == "test \\u2713"
onnx.save(m, sys.argv[2])`,
      [file, out],
    );
    const viaPython = decodeModel(readFileSync(out));
    expect(encodeModel(viaPython)).toEqual(bytes);
    expect(viaPython.functions?.[0]?.overload).toBe('o1');
    expect(viaPython.graph?.node?.[0]?.metadataProps?.[0]?.value).toBe('layer.0');
  });
});
