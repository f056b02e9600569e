import type { ModelProto, NodeProto, TensorProto } from '../../shared/onnx/types.js';

/** A weight-heavy model: `tensors` MatMul weights of `mib` MiB each (random-ish bytes), chained. */
export function weightHeavyModel(tensors: number, mib: number): ModelProto {
  const side = Math.floor(Math.sqrt((mib * 2 ** 20) / 4));
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  let x = 'x';
  for (let i = 0; i < tensors; i++) {
    const raw = new Uint8Array(side * side * 4);
    for (let k = 0; k < raw.length; k += 4096) raw[k] = (k * 31 + i) & 0xff;
    initializer.push({ name: `w${i}`, dims: [side, side], dataType: 1, rawData: raw });
    nodes.push({ input: [x, `w${i}`], output: [`h${i}`], name: `/layers/layer_${i}/MatMul`, opType: 'MatMul' });
    x = `h${i}`;
  }
  const value = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: side }] } } } });
  return { irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'bench', graph: { name: 'heavy', node: nodes, initializer, input: [value('x')], output: [value(x)] } };
}

/** A graph-heavy model: `blocks` transformer-like blocks of small ops with scoped names (~12 nodes each). */
export function graphHeavyModel(blocks: number): ModelProto {
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  let x = 'x';
  const ops = ['LayerNormalization', 'MatMul', 'Add', 'Reshape', 'Transpose', 'MatMul', 'Softmax', 'MatMul', 'Transpose', 'Reshape', 'MatMul', 'Add'];
  for (let b = 0; b < blocks; b++) {
    ops.forEach((op, k) => {
      const name = `/encoder/layers.${b}/self_attn/${op}_${k}`;
      const out = `${name}_output_0`;
      const inputs = [x];
      if (op === 'MatMul' || op === 'Add' || op === 'LayerNormalization') {
        const w = `encoder.layers.${b}.w${k}`;
        initializer.push({ name: w, dims: [64], dataType: 1, rawData: new Uint8Array(256) });
        inputs.push(w);
      }
      nodes.push({ input: inputs, output: [out], name, opType: op, attribute: op === 'Softmax' ? [{ name: 'axis', i: -1, type: 2 }] : [] });
      x = out;
    });
  }
  const value = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 64 }] } } } });
  return { irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'bench', graph: { name: 'deep', node: nodes, initializer, input: [value('x')], output: [value(x)] } };
}
