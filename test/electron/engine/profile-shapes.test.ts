import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { ProfileResult } from '../../../shared/profile/profile-types.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { bakedBatchModel, twoInputModel } from '../../helpers/dynamic-models.js';
import { tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

function write(m: ModelProto, name: string): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, encodeModel(m));
  // The independent checker: the test models are valid ONNX, not something only our codec accepts.
  runPython('import onnx, sys\nonnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', [file]);
  return file;
}

async function profile(file: string, args: Partial<MethodArgs<'startProfile'>> = {}): Promise<{ result?: ProfileResult; error?: string }> {
  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const info = await engine.openModel({ source: { kind: 'path', path: file } });
  const { jobId } = await engine.startProfile({ docId: info.docId, runs: 4, warmup: 1, ...args });
  const job = await engine.waitForJob(jobId);
  return job.status === 'succeeded' ? { result: job.result as ProfileResult } : { error: job.error?.message };
}

/** The output dims python onnx's shape inference gives for the model fed at `shapes`. */
function inferredOutput(file: string, shapes: Record<string, number[]>): number[] {
  const script = [
    'import json, onnx, sys',
    'm = onnx.load(sys.argv[1])',
    'shapes = json.loads(sys.argv[2])',
    'for v in m.graph.input:',
    '    dims = v.type.tensor_type.shape.dim',
    '    for d, n in zip(dims, shapes[v.name]):',
    '        d.Clear(); d.dim_value = n',
    "m.graph.output[0].type.tensor_type.ClearField('shape')",
    'out = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph.output[0]',
    'print(json.dumps([d.dim_value for d in out.type.tensor_type.shape.dim]))',
  ].join('\n');
  return JSON.parse(runPython(script, [file, JSON.stringify(shapes)])) as number[];
}

describe('profiling models with several dynamic inputs', () => {
  it('feeds every input at the shared batch and a default sequence length, reports them and sweeps the batch over both', async () => {
    const file = write(twoInputModel(), 'two-inputs.onnx');
    const { result, error } = await profile(file);
    expect(error).toBeUndefined();
    expect(result!.shapesRun).toEqual({ tokens: [1, 128, 8], mask: [1, 128, 4] });
    expect(result!.assumedDims).toEqual({ batch: 1, sequence: 128 });
    // What ONNX Runtime itself saw: the MatMul kernel's output shape in its trace, against python onnx's inference.
    const matmul = result!.nodes.find((n) => n.opType === 'MatMul' || n.opType === 'FusedMatMul')!;
    expect(matmul.shape).toBe(`[${inferredOutput(file, result!.shapesRun).join('×')}]`);
    expect(result!.throughput!.map((p) => p.batch)).toEqual([1, 2, 4, 8, 16]);
    for (const p of result!.throughput!) expect(p.perSecond).toBeGreaterThan(0);
    expect(result!.throughputError).toBeUndefined();
  });

  it('takes a symbol given for one input into the others that share it', async () => {
    const file = write(twoInputModel(), 'two-inputs.onnx');
    const { result, error } = await profile(file, { inputShapes: { tokens: [2, 16, 8] } });
    expect(error).toBeUndefined();
    expect(result!.shapesRun).toEqual({ tokens: [2, 16, 8], mask: [2, 16, 4] });
    expect(result!.assumedDims).toBeUndefined();
    const matmul = result!.nodes.find((n) => n.opType === 'MatMul' || n.opType === 'FusedMatMul')!;
    expect(matmul.shape).toBe(`[${inferredOutput(file, result!.shapesRun).join('×')}]`);
  });

  it('keeps the latency when the sweep fails at a batch the model cannot run, and says why', async () => {
    const file = write(bakedBatchModel(), 'baked-batch.onnx');
    const { result, error } = await profile(file);
    expect(error).toBeUndefined();
    expect(result!.latencyMs.p50).toBeGreaterThan(0);
    expect(result!.nodes.length).toBeGreaterThan(0);
    expect(result!.shapesRun).toEqual({ tokens: [1, 16, 8], mask: [1, 16, 4] });
    expect(result!.throughput!.map((p) => p.batch)).toEqual([1]);
    expect(result!.throughputError).toMatch(/^The throughput sweep stopped at batch 2 \(tokens=2x16x8, mask=2x16x4\): ONNX Runtime could not run it: .+\.$/);
    expect(result!.throughputError).not.toContain('\n');
  });

  it('refuses dims that do not fit the model in one sentence naming the input', async () => {
    const file = write(twoInputModel(), 'two-inputs.onnx');
    const wrongName = await profile(file, { inputShapes: { token: [1, 4, 8] } });
    expect(wrongName.error).toBe("The model has no input 'token'; its inputs are: tokens, mask.");
    const wrongRank = await profile(file, { inputShapes: { tokens: [1, 4] } });
    expect(wrongRank.error).toBe("Input 'tokens' has 3 dimensions, but 2 were given (1x4).");
    const fixedDim = await profile(file, { inputShapes: { tokens: [1, 4, 5] } });
    expect(fixedDim.error).toBe("Input 'tokens' is fixed at 8 in dimension 2 by the model, so it cannot be fed 5 there; give 8.");
    const clash = await profile(file, { inputShapes: { tokens: [1, 4, 8], mask: [1, 5, 4] } });
    expect(clash.error).toBe("Inputs 'tokens' and 'mask' share the dimension 'sequence' but were given 4 and 5 for it; give them the same value.");
  });
});
