import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

/** Seeded values in [-1, 1) (a linear congruential generator is enough for test weights). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (2 * s) / 2147483648 - 1;
  });
}

async function run(file: string, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  try {
    const r = await session.run({ x: new ort.Tensor('float32', x, [1, 3, 10, 10]) });
    return Float32Array.from(r[session.outputNames[0]!]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(aa * bb);
}

describe('INT8 dynamic quantization of convolutions', () => {
  it('quantizes Convs whose weights come through Identity and Constant nodes (as PyTorch exports them), close to FP32 in ONNX Runtime', async () => {
    // Two Convs share one weight through Identity nodes; the bias is a Constant node. Formerly refused:
    // "no Conv, Gemm or MatMul with constant weights ... nothing to quantize".
    const dir = tempDir();
    const file = path.join(dir, 'shared-weights.onnx');
    const bias = { name: 'b', dims: [3], dataType: 1, rawData: new Uint8Array(new Float32Array([0.1, -0.2, 0.05]).buffer) };
    writeFileSync(
      file,
      encodeModel(
        model({
          node: [
            node('Identity', ['w'], ['w_a'], 'share_a'),
            node('Identity', ['w'], ['w_b'], 'share_b'),
            node('Constant', [], ['bias'], 'bias_const', { attribute: [{ name: 'value', type: 4, t: bias }] }),
            node('Conv', ['x', 'w_a', 'bias'], ['c1'], 'conv1', { attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }] }),
            node('Relu', ['c1'], ['r1'], 'relu1'),
            node('Conv', ['r1', 'w_b'], ['y'], 'conv2', { attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }] }),
          ],
          input: [tensorValue('x', [1, 3, 10, 10])],
          output: [tensorValue('y', [1, 3, 10, 10])],
          initializer: [floatTensor('w', [3, 3, 3, 3], values(81, 5))],
        }),
      ),
    );
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const doc = await engine.openModel({ source: { kind: 'path', path: file } });
    const out = path.join(dir, 'shared-weights.int8-dynamic.onnx');
    const job = await engine.waitForJob((await engine.startQuantize({ docId: doc.docId, mode: 'int8-dynamic', output: { path: out } })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const r = job.result as QuantizeResult;
    expect(r.quantizedNodes).toBe(2);
    expect(runPython('import sys, onnx\nonnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)\nprint("ok")', [out]).trim()).toBe('ok');
    const ops = decodeModel(readFileSync(out)).graph!.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === 'ConvInteger')).toHaveLength(2);
    expect(ops.filter((o) => o === 'DynamicQuantizeLinear')).toHaveLength(2);
    expect(ops).not.toContain('Conv');
    // ONNX Runtime runs both; the INT8 output follows the FP32 one.
    const x = Float32Array.from(values(300, 11));
    const [fp32, int8] = [await run(file, x), await run(out, x)];
    expect(cosine(fp32, int8)).toBeGreaterThan(0.999);
  });
});
