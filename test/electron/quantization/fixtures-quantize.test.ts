import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { parsePreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { Dataset, walkFolder } from '../../../electron/engine/datasets/dataset.js';
import { Engine } from '../../../electron/engine/engine.js';
import { classificationAccuracy } from '../../../electron/engine/evaluation/classify.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const ctx = { signal: new AbortController().signal, progress() {}, checkCancelled() {} };

const FIXTURES = [
  { name: 'digits', model: 'digits-cnn.onnx', int8SizeRatio: 0.31 },
  { name: 'shapes', model: 'shapes-mobilenet.onnx', int8SizeRatio: 0.55 },
] as const;

function checkWithPython(file: string): string {
  return runPython('import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint("ok")', [file]).trim();
}

async function accuracy(file: string, evalDir: string, specFile: string): Promise<number> {
  const data = new Dataset(evalDir, await walkFolder(evalDir));
  const spec = parsePreprocessSpec(JSON.parse(readFileSync(specFile, 'utf8')));
  return (await classificationAccuracy(file, decodeModel(readFileSync(file)), data, spec, ctx)).top1;
}

describe.each(FIXTURES)('quantizing the $name fixture', ({ name, model, int8SizeRatio }) => {
  const dir = fixture(name);
  const source = fixture(model);
  const specFile = path.join(dir, 'preprocess.json');
  const evalDir = path.join(dir, 'eval');
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { fp32_top1_eval: number };

  async function run(mode: 'fp16' | 'int8-dynamic' | 'int8-static', method?: 'entropy'): Promise<QuantizeResult> {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const info = await engine.openModel({ source: { kind: 'path', path: source } });
    const out = path.join(tempDir(), `${name}.${mode}.onnx`);
    const dataset = mode === 'int8-static' ? await engine.openDataset({ source: { kind: 'path', path: path.join(dir, 'calib') } }) : undefined;
    const { jobId } = await engine.startQuantize({
      docId: info.docId,
      mode,
      ...(dataset ? { datasetId: dataset.datasetId, spec: parsePreprocessSpec(JSON.parse(readFileSync(specFile, 'utf8'))) } : {}),
      ...(method ? { method } : {}),
      output: { path: out },
    });
    const job = await engine.waitForJob(jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    return job.result as QuantizeResult;
  }

  it('FP32 accuracy on the eval folder matches the independently measured figure', async () => {
    expect(await accuracy(source, evalDir, specFile)).toBeCloseTo(expected.fp32_top1_eval, 2);
  });

  it('FP16: the checker accepts it, ONNX Runtime runs it, top-1 within 0.2 points of FP32', async () => {
    const r = await run('fp16');
    expect(checkWithPython(r.output!)).toBe('ok');
    const fp32 = await accuracy(source, evalDir, specFile);
    expect(await accuracy(r.output!, evalDir, specFile)).toBeGreaterThanOrEqual(fp32 - 0.002);
    expect(r.sizeAfter).toBeLessThan(0.6 * r.sizeBefore);
    // Weights are stored as float16 now.
    const m = decodeModel(readFileSync(r.output!));
    expect(m.graph!.initializer!.filter((t) => t.dataType === 10).length).toBeGreaterThan(3);
  });

  it('INT8 dynamic: the checker accepts it and ONNX Runtime runs it with integer kernels', async () => {
    const r = await run('int8-dynamic');
    expect(r.quantizedNodes).toBeGreaterThan(0);
    expect(checkWithPython(r.output!)).toBe('ok');
    const m = decodeModel(readFileSync(r.output!));
    const ops = new Set(m.graph!.node!.map((n) => n.opType));
    expect(ops.has('DynamicQuantizeLinear')).toBe(true);
    expect(ops.has('ConvInteger') || ops.has('MatMulInteger')).toBe(true);
    // ONNX Runtime's own quantize_dynamic on the same tensors loses 1.0 point on digits and none on shapes
    // (scripts/quant-parity/ort-quantize.py --dynamic); ours must do as well, within half a point.
    expect(await accuracy(r.output!, evalDir, specFile)).toBeGreaterThanOrEqual(expected.fp32_top1_eval - (name === 'digits' ? 0.015 : 0.005));
  });

  it('INT8 static (QDQ, ONNX Runtime CPU preset): checker, ≤ 1 point of top-1 lost, a fraction of the size', async () => {
    const r = await run('int8-static');
    expect(checkWithPython(r.output!)).toBe('ok');
    expect(r.calibrationSamples).toBe(readdirSync(path.join(dir, 'calib')).length);
    const fp32 = await accuracy(source, evalDir, specFile);
    const int8 = await accuracy(r.output!, evalDir, specFile);
    expect(int8).toBeGreaterThanOrEqual(fp32 - 0.01);
    expect(r.sizeAfter / r.sizeBefore).toBeLessThanOrEqual(int8SizeRatio);
    const m = decodeModel(readFileSync(r.output!));
    const ops = m.graph!.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === 'QuantizeLinear').length).toBeGreaterThan(3);
    // Weights are int8 (7-bit for CPUs without VNNI), biases int32.
    expect(m.graph!.initializer!.some((t) => t.dataType === 3)).toBe(true);
    expect(m.graph!.initializer!.some((t) => t.dataType === 6)).toBe(true);
    expect(m.metadataProps?.find((p) => p.key === 'onnx_studio.quantization')?.value).toContain('"backend":"ort-cpu"');
    expect(existsSync(r.output!) && statSync(r.output!).size).toBe(r.sizeAfter);
  });

  it('INT8 static with Entropy calibration: within 0.5 points of FP32 top-1, as ONNX Runtime\'s Entropy keeps', async () => {
    // ONNX Runtime's quantize_static(Entropy) on the same tensors keeps the FP32 figure on both fixtures
    // (measured with scripts/quant-parity); the former method lost 55 points on shapes.
    const r = await run('int8-static', 'entropy');
    const fp32 = await accuracy(source, evalDir, specFile);
    expect(await accuracy(r.output!, evalDir, specFile)).toBeGreaterThanOrEqual(fp32 - 0.005);
  });
});
