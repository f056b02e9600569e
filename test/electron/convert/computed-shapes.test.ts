import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { opRegistry } from '../../../electron/engine/op-metadata.js';
import { QUIET } from '../../../electron/engine/profiling/backends.js';
import { convertOpset } from '../../../shared/convert/opset-converter.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';

/**
 * x expanded to a shape computed at run time (as ViT exports expand the class token), then averaged over
 * its last axis. Going below opset 11 the negative axis must become positive, which needs the rank.
 */
function expandThenMean(): ModelProto {
  return model(
    {
      node: [
        node('Expand', ['x', 'shape'], ['e']),
        node('ReduceMean', ['e'], ['y'], 'mean', { attribute: [{ name: 'axes', type: 7, ints: [-1] }, { name: 'keepdims', type: 2, i: 0 }] }),
      ],
      input: [tensorValue('x', [1, 4]), tensorValue('shape', [3], 7)],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
    14,
  );
}

async function run(m: ModelProto): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(m), QUIET);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 10]), [1, 4]), shape: new ort.Tensor('int64', BigInt64Array.from([2n, 3n, 4n]), [3]) });
    return out.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('ranks through shapes only known at run time', () => {
  it('knows the rank an Expand to a computed shape produces, so a negative reduce axis converts to opset 10', async () => {
    const original = expandThenMean();
    const down = convertOpset(original, 10, { registry: opRegistry() }).model;
    const mean = down.graph!.node!.find((n) => n.opType === 'ReduceMean')!;
    expect(mean.attribute!.find((a) => a.name === 'axes')!.ints!.map(Number)).toEqual([2]);
    expect(Array.from(await run(down))).toEqual(Array.from(await run(original)));
  });
});
