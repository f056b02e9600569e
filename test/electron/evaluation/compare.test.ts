import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import type { CompareResult, LayerErrorResult } from '../../../shared/metrics/compare-types.js';
import { parsePreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { builtCli, DIGITS, fixture, SHAPES, tempDir } from '../../helpers/paths.js';

const specOf = (name: string) => parsePreprocessSpec(JSON.parse(readFileSync(path.join(fixture(name), 'preprocess.json'), 'utf8')));
const expectedTop1 = (name: string) => (JSON.parse(readFileSync(path.join(fixture(name), 'expected.json'), 'utf8')) as { fp32_top1_eval: number }).fp32_top1_eval;

async function done<T>(engine: EngineClient, started: Promise<{ jobId: string }>): Promise<T> {
  const job = await engine.waitForJob((await started).jobId);
  expect(job.status, job.error?.message).toBe('succeeded');
  return job.result as T;
}

async function variants(engine: EngineClient, file: string, name: string) {
  const ref = await engine.openModel({ source: { kind: 'path', path: file } });
  const calib = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture(name), 'calib') } });
  const fp16 = await done<QuantizeResult>(engine, engine.startQuantize({ docId: ref.docId, mode: 'fp16' }));
  const int8 = await done<QuantizeResult>(engine, engine.startQuantize({ docId: ref.docId, mode: 'int8-static', datasetId: calib.datasetId, spec: specOf(name) }));
  const evalSet = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture(name), 'eval') } });
  return { ref, fp16, int8, calib, evalSet };
}

describe.each([
  ['digits', DIGITS],
  ['shapes', SHAPES],
] as const)('comparing FP32 / FP16 / INT8 on the %s fixture', (name, file) => {
  it('reports FP32 top-1 as measured independently (within 0.5 points) and every metric for each variant', async () => {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const v = await variants(engine, file, name);
    const r = await done<CompareResult>(engine, engine.startCompare({ referenceDocId: v.ref.docId, variantDocIds: [v.fp16.docId, v.int8.docId], datasetId: v.evalSet.datasetId, spec: specOf(name), latencyRuns: 5 }));
    expect(r.samples).toBe(name === 'digits' ? 497 : 300);
    expect(r.models.map((m) => m.precision)).toEqual(['fp32', 'fp16', 'int8']);
    const [fp32, fp16, int8] = r.models;
    expect(Math.abs(fp32!.top1! - expectedTop1(name))).toBeLessThanOrEqual(0.005);
    expect(fp32!.agreementTop1).toBe(1);
    expect(fp16!.top1!).toBeGreaterThanOrEqual(fp32!.top1! - 0.002);
    expect(fp16!.agreementTop1).toBeGreaterThan(0.99);
    expect(fp16!.sqnrDb!).toBeGreaterThan(int8!.sqnrDb!);
    expect(int8!.cosine).toBeGreaterThan(0.99);
    expect(int8!.cosine).toBeLessThan(1);
    expect(int8!.maxAbsErr).toBeGreaterThan(0);
    expect(int8!.sizeBytes).toBeLessThan(fp16!.sizeBytes);
    for (const m of r.models) expect(m.latencyMsP50).toBeGreaterThan(0);
    // Disagreements are exactly the samples whose top-1 differs: their count matches the agreement rates.
    const disagreeing = new Set(r.disagreements.map((d) => d.sample));
    expect(disagreeing.size + r.moreDisagreements).toBeGreaterThanOrEqual(Math.round((1 - int8!.agreementTop1) * r.samples));
  });
});

describe('per-layer error and accuracy-aware quantization', () => {
  it('lists every quantized tensor of the digits INT8 model with its SQNR and producing node', async () => {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const v = await variants(engine, DIGITS, 'digits');
    const r = await done<LayerErrorResult>(engine, engine.startLayerErrors({ referenceDocId: v.ref.docId, variantDocId: v.int8.docId, datasetId: v.evalSet.datasetId, spec: specOf('digits'), limit: 16 }));
    const int8Doc = (await engine.listModels({})).find((m) => m.docId === v.int8.docId)!;
    expect(int8Doc.summary.ops.QuantizeLinear).toBe(r.layers.length);
    expect(r.layers.map((l) => l.tensor)).toContain('image');
    for (const l of r.layers) {
      expect(l.sqnrDb).not.toBeNull();
      expect(l.localSqnrDb).not.toBeUndefined();
    }
    // Worst first; a tensor deep in the network carries more error than the input image.
    expect(r.layers[0]!.sqnrDb!).toBeLessThan(r.layers.find((l) => l.tensor === 'image')!.sqnrDb!);
    expect(r.layers.filter((l) => l.nodeName).length).toBe(r.layers.length - 1);
  });

  it('reaches a 0.5-point drop on the digits fixture from a calibration that loses a third of the accuracy', async () => {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const ref = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
    const calib = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'calib') } });
    const evalSet = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'eval') } });
    // A 90th-percentile range clips a tenth of every activation: a bad start the search must repair.
    const r = await done<QuantizeResult>(
      engine,
      engine.startQuantize({ docId: ref.docId, mode: 'int8-static', method: 'percentile', percentile: 90, datasetId: calib.datasetId, spec: specOf('digits'), accuracy: { evalDatasetId: evalSet.datasetId, maxDropPoints: 0.5 } }),
    );
    const a = r.accuracy!;
    expect(a.steps[0]!.dropPoints).toBeGreaterThan(10);
    expect(a.met).toBe(true);
    expect(a.chosenStep).toBe(a.steps.length - 1);
    expect(a.steps.at(-1)!.dropPoints).toBeLessThanOrEqual(0.5);
    expect(r.quantizedNodes).toBeGreaterThanOrEqual(2);
    expect(r.excludedNodes.some((x) => /accuracy target/.test(x.reason))).toBe(true);
    // The model returned is the one measured last: its exclusions are the last step's.
    expect(r.excludedNodes.map((x) => x.name).sort()).toEqual(expect.arrayContaining([...a.steps.at(-1)!.excluded].sort()));
  });
});

describe('onnx-studio compare', () => {
  it('prints the JSON contract and refuses bad arguments', () => {
    const dir = tempDir();
    const int8 = path.join(dir, 'd8.onnx');
    const cli = (args: string[]) => spawnSync(process.execPath, [builtCli(), ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(cli(['quantize', DIGITS, '-o', int8, '--mode', 'int8-static', '--calib', path.join(fixture('digits'), 'calib')]).status).toBe(0);
    const r = cli(['compare', DIGITS, int8, '--data', path.join(fixture('digits'), 'eval'), '--preprocess', path.join(fixture('digits'), 'preprocess.json'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.reference).toBe(DIGITS);
    expect(j.models).toHaveLength(2);
    for (const key of ['path', 'precision', 'sizeBytes', 'latencyMsP50', 'top1', 'top5', 'agreementTop1', 'cosine', 'sqnrDb', 'maxAbsErr']) expect(j.models[1]).toHaveProperty(key);
    expect(j.models[0].top1).toBeCloseTo(expectedTop1('digits'), 2);
    expect(j.models[1].precision).toBe('int8');
    const one = cli(['compare', DIGITS, '--data', dir]);
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/at least one OTHER/);
    const noData = cli(['compare', DIGITS, int8]);
    expect(noData.status).toBe(2);
    const empty = cli(['compare', DIGITS, int8, '--data', tempDir()]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/is empty/);
  });
});

describe('class order', () => {
  it('comes from a labels.txt beside the class folders when there is one, and a missing class is named', async () => {
    const { cpSync, writeFileSync } = await import('node:fs');
    const dir = tempDir();
    for (const c of ['circle', 'square', 'triangle']) cpSync(path.join(fixture('shapes'), 'eval', c), path.join(dir, c), { recursive: true });
    writeFileSync(path.join(dir, 'labels.txt'), 'circle\nsquare\ntriangle\n');
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    expect((await engine.openDataset({ source: { kind: 'path', path: dir } })).classes).toEqual(['circle', 'square', 'triangle']);
    writeFileSync(path.join(dir, 'labels.txt'), 'triangle\ncircle\n');
    await expect(engine.openDataset({ source: { kind: 'path', path: dir } })).rejects.toThrow(/does not list the class folder 'square'/);
    // The model's class 0 is circle: a labels file in another order makes the accuracy collapse, as it should.
    writeFileSync(path.join(dir, 'labels.txt'), 'triangle\nsquare\ncircle\n');
    const data = await engine.openDataset({ source: { kind: 'path', path: dir } });
    expect(data.classes).toEqual(['triangle', 'square', 'circle']);
    const ref = await engine.openModel({ source: { kind: 'path', path: SHAPES } });
    const int8 = await done<QuantizeResult>(engine, engine.startQuantize({ docId: ref.docId, mode: 'fp16' }));
    const r = await done<CompareResult>(engine, engine.startCompare({ referenceDocId: ref.docId, variantDocIds: [int8.docId], datasetId: data.datasetId, spec: specOf('shapes'), latencyRuns: 1 }));
    expect(r.models[0]!.top1!).toBeLessThan(0.5);
  });
});
