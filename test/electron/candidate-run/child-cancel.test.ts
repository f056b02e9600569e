import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { runModelsInChild } from '../../../electron/engine/candidate-run/run-in-child.js';
import { runWithJobSignal } from '../../../electron/engine/job-signal.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';

const N = 512;

/** Sixty 512x512 MatMuls per run: a thousand runs take far longer than any test may wait. */
function slowModel(): ModelProto {
  const nodes = Array.from({ length: 60 }, (_, k) => node('MatMul', [k === 0 ? 'x' : `h${k - 1}`, 'w'], [k === 59 ? 'y' : `h${k}`], `mm${k}`));
  return model({ node: nodes, input: [tensorValue('x', [N, N])], output: [tensorValue('y', [N, N])], initializer: [floatTensor('w', [N, N], Array.from({ length: N * N }, (_, i) => ((i % 7) - 3) / (N * 4)))] });
}

describe('a cancelled job and its ONNX Runtime check', () => {
  it('kills the check child and rejects as cancelled instead of waiting for the runs, and the next check still works', async () => {
    const feeds = { x: new ort.Tensor('float32', new Float32Array(N * N).fill(0.5), [N, N]) };
    const controller = new AbortController();
    const slow = encodeModel(slowModel());
    const runs = runWithJobSignal(controller.signal, () => runModelsInChild([{ source: { bytes: slow }, label: 'slow model' }], Array.from({ length: 1000 }, () => [feeds])));
    controller.abort();
    await expect(runs).rejects.toMatchObject({ code: 'CANCELLED' });
    // Outside a job nothing cancels, and a fresh child answers.
    const small = encodeModel(model({ node: [node('Relu', ['x'], ['y'])], input: [tensorValue('x', [2])], output: [tensorValue('y', [2])] }));
    const ok = await runModelsInChild([{ source: { bytes: small }, label: 'small model' }], [[{ x: new ort.Tensor('float32', Float32Array.from([-1, 2]), [2]) }]]);
    expect(Array.from(ok.cases[0]![0]! && 'outputs' in ok.cases[0]![0]! ? (ok.cases[0]![0]!.outputs.y!.data as Float32Array) : [])).toEqual([0, 2]);
  });

  it('does not start a check for a job already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const small = encodeModel(model({ node: [node('Relu', ['x'], ['y'])], input: [tensorValue('x', [2])], output: [tensorValue('y', [2])] }));
    await expect(runWithJobSignal(controller.signal, () => runModelsInChild([{ source: { bytes: small }, label: 'small model' }], []))).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
