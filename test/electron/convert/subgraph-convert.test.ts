import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { opRegistry } from '../../../electron/engine/op-metadata.js';
import { QUIET } from '../../../electron/engine/profiling/backends.js';
import { convertOpset } from '../../../shared/convert/opset-converter.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { GraphProto, ModelProto } from '../../../shared/onnx/types.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';

/** A branch that unsqueezes x at `axis` and reduces it over `axes` (both attributes before opset 13). */
function branch(name: string, axis: number, out: string): GraphProto {
  return {
    name,
    node: [
      node('Unsqueeze', ['x'], [`${out}_u`], `${name}_unsqueeze`, { attribute: [{ name: 'axes', type: 7, ints: [axis] }] }),
      node('ReduceSum', [`${out}_u`], [out], `${name}_sum`, { attribute: [{ name: 'axes', type: 7, ints: [-1] }, { name: 'keepdims', type: 2, i: 0 }] }),
    ],
    output: [tensorValue(out, [])],
  };
}

/** if (c) sum over the last axis of x with a new first axis; else with a new last axis. */
function ifModel(): ModelProto {
  const ifNode = node('If', ['c'], ['y'], 'choose', {
    attribute: [
      { name: 'then_branch', type: 5, g: branch('then', 0, 't') },
      { name: 'else_branch', type: 5, g: branch('else', 2, 'e') },
    ],
  });
  return model({ node: [ifNode], input: [tensorValue('c', [], 9), tensorValue('x', [2, 3])], output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }] }, 11, { irVersion: 6 });
}

async function run(m: ModelProto, c: boolean, x: Float32Array): Promise<number[]> {
  const session = await ort.InferenceSession.create(encodeModel(m), QUIET);
  try {
    const out = await session.run({ c: new ort.Tensor('bool', Uint8Array.from([c ? 1 : 0]), []), x: new ort.Tensor('float32', x, [2, 3]) });
    return Array.from(out.y!.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('conversion inside subgraphs', () => {
  it('rewrites the nodes of both If branches at opset 13 and the model computes the same in ONNX Runtime', async () => {
    const original = ifModel();
    const result = convertOpset(original, 13, { registry: opRegistry() });
    expect(result.converted).toEqual([{ opType: 'ReduceSum', count: 2 }, { opType: 'Unsqueeze', count: 2 }]);
    const branches = result.model.graph!.node![0]!.attribute!.map((a) => a.g!);
    for (const g of branches) {
      const unsqueeze = g.node!.find((n) => n.opType === 'Unsqueeze')!;
      expect(unsqueeze.input).toHaveLength(2);
      expect(unsqueeze.attribute ?? []).toEqual([]);
    }
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
    for (const c of [true, false]) expect(await run(result.model, c, x)).toEqual(await run(original, c, x));
    // And back down: the branches take attributes again and still agree.
    const back = convertOpset(result.model, 11, { registry: opRegistry() }).model;
    // The axes constants the way up put in the branches go again once nothing reads them.
    for (const a of back.graph!.node![0]!.attribute!) expect(a.g!.node!.map((n) => n.opType)).toEqual(['Unsqueeze', 'ReduceSum']);
    for (const c of [true, false]) expect(await run(back, c, x)).toEqual(await run(original, c, x));
  });
});
