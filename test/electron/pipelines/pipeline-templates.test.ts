import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { PipelineRunResult } from '../../../shared/pipeline/node-state.js';
import { PIPELINE_TEMPLATES } from '../../../shared/pipeline/templates.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { onnxCheck } from '../../helpers/onnx-oracles.js';
import { DIGITS, fixture, tempDir } from '../../helpers/paths.js';

const TOP1 = (JSON.parse(readFileSync(path.join(fixture('digits'), 'expected.json'), 'utf8')) as { fp32_top1_eval: number }).fp32_top1_eval;

/** A template with its model bound to the digits CNN and its folders to the fixture's calib/ and eval/, run to the end. */
async function runTemplate(id: string): Promise<{ client: EngineClient; result: PipelineRunResult; dir: string }> {
  const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const view = await client.openPipeline({ pipeline: PIPELINE_TEMPLATES.find((t) => t.id === id)!.build() });
  const doc = await client.openModel({ source: { kind: 'path', path: DIGITS } });
  await client.bindPipelineSource({ pipelineId: view.pipelineId, nodeId: 'model', docId: doc.docId });
  for (const folder of ['calib', 'eval']) {
    if (!view.pipeline.nodes.some((n) => n.id === folder)) continue;
    const { datasetId } = await client.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), folder) } });
    await client.bindPipelineSource({ pipelineId: view.pipelineId, nodeId: folder, datasetId });
  }
  const dir = tempDir();
  const job = await client.waitForJob((await client.startRunPipeline({ pipelineId: view.pipelineId, saveTo: { kind: 'path', path: dir } })).jobId);
  expect(job.status, job.error?.message).toBe('succeeded');
  const result = job.result as PipelineRunResult;
  expect(Object.entries(result.nodes).filter(([, s]) => s.status !== 'done')).toEqual([]);
  return { client, result, dir };
}

describe('the pipeline templates on the digits model', () => {
  it('INT8 for ONNX Runtime CPU with an accuracy gate: the gate passes and the saved INT8 model is valid QDQ', async () => {
    const { result, dir } = await runTemplate('int8-ort-cpu-gate');
    expect(result.failures).toEqual([]);
    const [reference, int8] = result.nodes.gate!.result!.compare!.models;
    expect(reference!.top1).toBeCloseTo(TOP1, 4);
    expect(TOP1 - int8!.top1!).toBeLessThanOrEqual(0.01);
    const saved = decodeModel(readFileSync(path.join(dir, 'model.int8.onnx')));
    onnxCheck(saved);
    expect(saved.graph!.node!.some((n) => n.opType === 'QuantizeLinear')).toBe(true);
  });

  it('FP32 / FP16 / INT8 matrix: one table of the three on the eval set, and a report of their sizes', async () => {
    const { result, dir } = await runTemplate('precision-matrix');
    const table = result.nodes.matrix!.result!.compare!;
    expect(table.samples).toBe(497);
    expect(table.models.map((m) => m.precision)).toEqual(['fp32', 'fp16', 'int8']);
    expect(table.models[1]!.agreementTop1).toBeGreaterThan(0.99);
    expect(result.nodes.report!.result!.problems).toEqual([
      `model: ${readFileSync(DIGITS).length.toLocaleString('en-US')} bytes`,
      `fp16: ${result.nodes.fp16!.result!.sizeBytes!.toLocaleString('en-US')} bytes`,
      `int8: ${result.nodes.int8!.result!.sizeBytes!.toLocaleString('en-US')} bytes`,
    ]);
    // The report file: each model's size and its row of the table, the reference first.
    const report = JSON.parse(readFileSync(path.join(dir, 'precision-matrix.report.json'), 'utf8')) as { models: { node: string; sizeBytes: number; checks: { node: string; port: string; metrics: { top1: number } }[] }[] };
    expect(report.models.map((m) => [m.node, m.sizeBytes])).toEqual([['model', readFileSync(DIGITS).length], ['fp16', result.nodes.fp16!.result!.sizeBytes], ['int8', result.nodes.int8!.result!.sizeBytes]]);
    expect(report.models.map((m) => m.checks.map((c) => [c.node, c.port, c.metrics.top1]))).toEqual(table.models.map((row, i) => [['matrix', i === 0 ? 'reference' : 'variants', row.top1]]));
  });

  it('dynamic batch + INT8 + profile: every input gets a batch axis that ONNX Runtime runs at 4, both models profiled', async () => {
    const { client, result, dir } = await runTemplate('dynamic-batch-int8-profile');
    const file = path.join(dir, 'int8.onnx');
    await client.waitForJob((await client.startSaveModel({ docId: result.nodes.int8!.result!.docId!, target: { kind: 'path', path: file } })).jobId);
    const saved = decodeModel(readFileSync(file));
    expect(saved.graph!.input![0]!.type!.tensorType!.shape!.dim![0]).toEqual({ dimParam: 'batch' });
    const session = await ort.InferenceSession.create(file);
    const out = await session.run({ image: new ort.Tensor('float32', new Float32Array(4 * 28 * 28).fill(0.5), [4, 1, 28, 28]) });
    expect(out[session.outputNames[0]!]!.dims).toEqual([4, 10]);
    for (const id of ['profile-fp32', 'profile-int8']) expect(result.nodes[id]!.result!.latencyMsP50).toBeGreaterThan(0);
  });
});
