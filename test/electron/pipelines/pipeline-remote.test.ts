import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { Reply } from '../../../shared/api/errors.js';
import type { PipelineRunResult, PipelineView } from '../../../shared/pipeline/node-state.js';
import type { Pipeline } from '../../../shared/pipeline/pipeline.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { DIGITS, fixture } from '../../helpers/paths.js';

const CALIB = path.join(fixture('digits'), 'calib');

function int8Pipeline(withPaths: boolean): Pipeline {
  return {
    format: 'onnx-studio.recipe',
    version: 2,
    nodes: [
      { id: 'm', kind: 'model-source', params: { name: 'digits-cnn.onnx', ...(withPaths ? { path: DIGITS } : {}) } },
      { id: 'c', kind: 'data-source', params: { name: 'calib', ...(withPaths ? { path: CALIB } : {}) } },
      { id: 'q', kind: 'int8-static', params: { limit: 16 } },
    ],
    edges: [
      { from: { node: 'm', port: 'model' }, to: { node: 'q', port: 'model' } },
      { from: { node: 'c', port: 'data' }, to: { node: 'q', port: 'calibration' } },
    ],
  };
}

describe('pipelines and the remote rule (browser mode)', () => {
  it('a remote caller runs a pipeline on the models and folders bound to it, and its replies name no path', async () => {
    const engine = new Engine({ mode: 'browser' });
    const local = createEngineClient(inProcessTransport(engine));
    const remote = createEngineClient(inProcessTransport(engine, { remote: true }));
    // The launch model and a folder, opened by the server side as browser mode does.
    const doc = await local.openModel({ source: { kind: 'path', path: DIGITS } });
    const calib = await local.openDataset({ source: { kind: 'path', path: CALIB } });
    const view = await remote.openPipeline({ pipeline: int8Pipeline(false) });
    await remote.bindPipelineSource({ pipelineId: view.pipelineId, nodeId: 'm', docId: doc.docId });
    const bound = await remote.bindPipelineSource({ pipelineId: view.pipelineId, nodeId: 'c', datasetId: calib.datasetId });
    expect(bound.problems).toEqual([]);
    const progress: number[] = [];
    const off = remote.on('pipeline.node', (e) => {
      if (e.nodeId === 'q' && e.state.status === 'running' && e.state.progress) progress.push(e.state.progress.total);
    });
    const job = await remote.waitForJob((await remote.startRunPipeline({ pipelineId: view.pipelineId })).jobId);
    off();
    expect(job.status, job.error?.message).toBe('succeeded');
    const result = job.result as PipelineRunResult;
    expect(result.ran).toEqual(['m', 'c', 'q']);
    // The quantization's own progress shows on its node.
    expect(progress.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain(path.dirname(DIGITS));
    expect(JSON.stringify(await remote.getPipeline({ pipelineId: view.pipelineId }))).not.toContain(path.dirname(DIGITS));
  });

  it('a pipeline holding paths opened on the desktop side does not open them for a remote run', async () => {
    const engine = new Engine({ mode: 'browser' });
    const local = createEngineClient(inProcessTransport(engine));
    const remote = inProcessTransport(engine, { remote: true });
    const view = await local.openPipeline({ pipeline: int8Pipeline(true) });
    const seen = (await remote.request('getPipeline', { pipelineId: view.pipelineId })) as Reply<PipelineView>;
    expect(seen.ok).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(DIGITS);
    const started = (await remote.request('startRunPipeline', { pipelineId: view.pipelineId })) as Reply<{ jobId: string }>;
    expect(started).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(started.ok ? '' : started.error.message).toMatch(/^In browser mode the server reads and writes no file paths for the page/);
    expect(await local.listModels({})).toEqual([]);
  });
});
