import type { ModelProto, NodeProto } from '../../shared/onnx/types.js';

/**
 * A torch-style export: `layers` blocks of scoped nodes ('/layers.3/attn/MatMul'), each fed by an
 * unscoped weight Identity node, all of which come first in the file, as torch writes them.
 */
export function scopedModel(layers: number): ModelProto {
  const node: NodeProto[] = [];
  // torch writes the weight Identity nodes first, in no layer order (here: reversed).
  for (let l = layers - 1; l >= 0; l--) node.push({ name: `Identity_${layers - 1 - l}`, opType: 'Identity', input: [`w${l}`], output: [`wi${l}`] });
  let x = 'x';
  for (let l = 0; l < layers; l++) {
    const ops: [string, string][] = [
      [`/layers.${l}/attn/MatMul`, 'MatMul'],
      [`/layers.${l}/attn/Softmax`, 'Softmax'],
      [`/layers.${l}/attn/MatMul_1`, 'MatMul'],
      [`/layers.${l}/Add`, 'Add'],
      [`/layers.${l}/norm/LayerNormalization`, 'LayerNormalization'],
      [`/layers.${l}/norm/Mul`, 'Mul'],
    ];
    let prev = x;
    ops.forEach(([name, opType]) => {
      const out = `${name}_output_0`;
      const inputs = { MatMul: [prev, `wi${l}`], Add: [prev, x], LayerNormalization: [prev, 'scale'], Mul: [prev, prev] }[opType] ?? [prev];
      node.push({ name, opType, input: inputs, output: [out] });
      prev = out;
    });
    x = prev;
  }
  const value = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 8 }] } } } });
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'scoped',
      node,
      input: [value('x')],
      output: [value(x)],
      initializer: [
        ...Array.from({ length: layers }, (_, l) => ({ name: `w${l}`, dims: [8, 8], dataType: 1, rawData: new Uint8Array(256) })),
        { name: 'scale', dims: [8], dataType: 1, rawData: new Uint8Array(32) },
      ],
    },
  };
}
