import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { NodeStatus, PipelineRunResult } from '../../../shared/pipeline/node-state.js';
import type { Pipeline } from '../../../shared/pipeline/pipeline.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { builtCli, DIGITS, fixture, tempDir } from '../../helpers/paths.js';

const cli = (args: string[]) => spawnSync(process.execPath, [builtCli(), ...args], { encoding: 'utf8', timeout: 300_000 });
const CALIB = path.join(fixture('digits'), 'calib');
const EVAL = path.join(fixture('digits'), 'eval');
const EXPECTED_TOP1 = (JSON.parse(readFileSync(path.join(fixture('digits'), 'expected.json'), 'utf8')) as { fp32_top1_eval: number }).fp32_top1_eval;

/** The scenario: digits -> dynamic batch -> INT8 static (calib) and -> FP16; compare both against the dynamic model on eval. */
function scenario(thresholds: Record<string, number> = { maxTop1DropPoints: 1 }): Pipeline {
  const edge = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  return {
    format: 'onnx-studio.recipe',
    version: 2,
    name: 'digits deploy',
    nodes: [
      { id: 'digits', kind: 'model-source', params: { name: 'digits-cnn.onnx', path: DIGITS } },
      { id: 'calib', kind: 'data-source', params: { name: 'calib', path: CALIB } },
      { id: 'eval', kind: 'data-source', params: { name: 'eval', path: EVAL } },
      { id: 'dynamic', kind: 'set-dims', params: { dims: [{ tensor: 'image', axis: 0, value: 'batch' }] } },
      { id: 'int8', kind: 'int8-static', params: { method: 'minmax' } },
      { id: 'fp16', kind: 'fp16', params: {} },
      { id: 'gate', kind: 'compare', params: { thresholds } },
      { id: 'save-int8', kind: 'save', params: { fileName: 'digits.int8.onnx' } },
      { id: 'save-fp16', kind: 'save', params: { fileName: 'digits.fp16.onnx' } },
    ],
    edges: [
      edge('digits', 'model', 'dynamic', 'model'),
      edge('dynamic', 'model', 'int8', 'model'),
      edge('calib', 'data', 'int8', 'calibration'),
      edge('dynamic', 'model', 'fp16', 'model'),
      edge('dynamic', 'model', 'gate', 'reference'),
      edge('int8', 'model', 'gate', 'variants'),
      edge('fp16', 'model', 'gate', 'variants'),
      edge('eval', 'data', 'gate', 'data'),
      edge('int8', 'model', 'save-int8', 'model'),
      edge('fp16', 'model', 'save-fp16', 'model'),
    ],
    output: 'int8',
  };
}

function engine(): EngineClient {
  return createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
}

/** Every node whose state went to 'running' during the job, from the engine's events. */
function watchRunning(client: EngineClient, pipelineId: string): { ran: string[]; statuses: Map<string, NodeStatus[]>; stop(): void } {
  const ran: string[] = [];
  const statuses = new Map<string, NodeStatus[]>();
  const stop = client.on('pipeline.node', (e) => {
    if (e.pipelineId !== pipelineId) return;
    statuses.set(e.nodeId, [...(statuses.get(e.nodeId) ?? []), e.state.status]);
    if (e.state.status === 'running' && ran.at(-1) !== e.nodeId) ran.push(e.nodeId);
  });
  return { ran, statuses, stop };
}

async function run(client: EngineClient, pipelineId: string, saveTo: string): Promise<PipelineRunResult> {
  const job = await client.waitForJob((await client.startRunPipeline({ pipelineId, saveTo: { kind: 'path', path: saveTo, overwrite: true } })).jobId);
  expect(job.status, job.error?.message).toBe('succeeded');
  return job.result as PipelineRunResult;
}

describe('running a pipeline in the engine', () => {
  it('runs the scenario, then re-runs exactly what a changed node feeds', async () => {
    const client = engine();
    const view = await client.openPipeline({ pipeline: scenario() });
    expect(view.problems).toEqual([]);
    expect(Object.values(view.nodes).map((n) => n.status)).toEqual(Array(9).fill('pending'));
    const appDir = tempDir();
    const watch = watchRunning(client, view.pipelineId);
    const first = await run(client, view.pipelineId, appDir);
    expect(first.ran).toEqual(['digits', 'calib', 'eval', 'dynamic', 'int8', 'fp16', 'save-int8', 'gate', 'save-fp16']);
    expect(watch.ran).toEqual(first.ran);
    // Each node went queued -> running (with progress updates for the long ones) -> done.
    for (const [id, seen] of watch.statuses) expect([...new Set(seen)], id).toEqual(['queued', 'running', 'done']);
    expect(Object.values(first.nodes).map((n) => n.status)).toEqual(Array(9).fill('done'));
    const gate = first.nodes.gate!.result!;
    // The reference is the dynamic FP32 model: its top-1 on the eval folder is the fixture's published figure.
    expect(gate.compare!.models).toHaveLength(3);
    expect(gate.accuracy!.top1).toBeCloseTo(EXPECTED_TOP1, 4);
    for (const m of gate.compare!.models.slice(1)) expect(EXPECTED_TOP1 - m.top1!).toBeLessThanOrEqual(0.01);
    expect(first.failures).toEqual([]);
    // Sizes are of the files as written: the source as read, the INT8 model as saved (an edit's size is known only once saved).
    expect(first.nodes.digits!.result!.sizeBytes).toBe(readFileSync(DIGITS).length);
    expect(first.nodes.dynamic!.result!.sizeBytes).toBeUndefined();
    expect(first.nodes.int8!.result!.sizeBytes).toBe(readFileSync(path.join(appDir, 'digits.int8.onnx')).length);
    expect(first.nodes['save-int8']!.result!.sizeBytes).toBe(first.nodes.int8!.result!.sizeBytes);
    expect(first.nodes.int8!.result!.sizeBytes).toBeLessThan(readFileSync(DIGITS).length / 2);
    // Making the batch dynamic says what it checked.
    expect(first.nodes.dynamic!.result!.problems!.join(' ')).toMatch(/batches of 4 and 2/);

    // Changing the INT8 node's method makes it and the nodes it feeds stale, and nothing else.
    const changed = scenario();
    changed.nodes.find((n) => n.id === 'int8')!.params = { method: 'percentile' };
    const updated = await client.updatePipeline({ pipelineId: view.pipelineId, pipeline: changed });
    const stale = Object.entries(updated.nodes).filter(([, s]) => s.status === 'stale').map(([id]) => id);
    expect(stale).toEqual(['int8', 'gate', 'save-int8']);
    watch.ran.length = 0;
    const second = await run(client, view.pipelineId, appDir);
    expect(second.ran).toEqual(['int8', 'save-int8', 'gate']);
    expect(watch.ran).toEqual(['int8', 'save-int8', 'gate']);
    expect(second.cached).toEqual(['digits', 'calib', 'eval', 'dynamic', 'fp16', 'save-fp16']);
    expect(second.nodes.int8!.result!.docId).not.toBe(first.nodes.int8!.result!.docId);
    expect(second.nodes.fp16!.result!.docId).toBe(first.nodes.fp16!.result!.docId);

    // Back to the first method: every node's result is in the cache, nothing runs.
    await client.updatePipeline({ pipelineId: view.pipelineId, pipeline: scenario() });
    const third = await run(client, view.pipelineId, appDir);
    // Only the INT8 save runs: the file on disk holds the percentile model the second run wrote over it.
    expect(third.ran).toEqual(['save-int8']);
    expect((await run(client, view.pipelineId, appDir)).ran).toEqual([]);
    // Into another folder, only the save nodes run again: the files must be there.
    const elsewhere = tempDir();
    expect((await run(client, view.pipelineId, elsewhere)).ran).toEqual(['save-int8', 'save-fp16']);
    expect(readdirSync(elsewhere).sort()).toEqual(['digits.fp16.onnx', 'digits.int8.onnx']);
    expect(third.nodes.int8!.result!.docId).toBe(first.nodes.int8!.result!.docId);
    // The state survives anything the UI does: it lives in the engine.
    expect(Object.values((await client.getPipeline({ pipelineId: view.pipelineId })).nodes).map((n) => n.status)).toEqual(Array(9).fill('done'));
    watch.stop();
  });

  it("replays the saved file headless to the app run's models, byte for byte, and exits 3 when a threshold cannot be met", async () => {
    const client = engine();
    const view = await client.openPipeline({ pipeline: scenario() });
    const appDir = tempDir();
    expect((await run(client, view.pipelineId, appDir)).failures).toEqual([]);
    const dir = tempDir();
    const file = path.join(dir, 'digits.pipeline.json');
    writeFileSync(file, JSON.stringify(scenario()));
    const ok = cli(['run', file, '--out-dir', dir, '-o', path.join(dir, 'output.onnx'), '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    const summary = JSON.parse(ok.stdout);
    expect(summary.passed).toBe(true);
    expect(summary.steps.map((s: { status: string }) => s.status)).toEqual(Array(6).fill('done'));
    for (const name of ['digits.int8.onnx', 'digits.fp16.onnx']) expect(readFileSync(path.join(dir, name)).equals(readFileSync(path.join(appDir, name))), name).toBe(true);
    expect(readFileSync(path.join(dir, 'output.onnx')).equals(readFileSync(path.join(appDir, 'digits.int8.onnx')))).toBe(true);

    // A threshold no INT8 or FP16 model can meet fails the run with exit 3.
    writeFileSync(file, JSON.stringify(scenario({ minSqnrDb: 300 })));
    const failed = cli(['run', file, '--out-dir', tempDir()]);
    expect(failed.status, failed.stderr).toBe(3);
    expect(failed.stderr).toMatch(/^onnx-studio: 2 compare thresholds failed: int8: SQNR .* dB is below 300; fp16: SQNR .* dB is below 300\.\n$/);
  });

  it('cancel mid-run: the running node ends failed, the rest not done, and no file is half-written', async () => {
    const client = engine();
    const view = await client.openPipeline({ pipeline: scenario() });
    const saveDir = tempDir();
    const states = new Map<string, NodeStatus>();
    let jobId = '';
    let asked = false;
    const cancelled = new Promise<void>((resolve) => {
      client.on('pipeline.node', (e) => {
        if (e.pipelineId !== view.pipelineId) return;
        states.set(e.nodeId, e.state.status);
        // Cancel while the calibration is under way: its progress says it has samples left.
        const p = e.state.progress;
        if (e.nodeId === 'int8' && e.state.status === 'running' && p && p.total > 0 && p.done < p.total && jobId && !asked) {
          asked = true;
          void client.cancelJob({ jobId }).then(() => resolve());
        }
      });
    });
    jobId = (await client.startRunPipeline({ pipelineId: view.pipelineId, saveTo: { kind: 'path', path: saveDir } })).jobId;
    await cancelled;
    const job = await client.waitForJob(jobId);
    expect(job.status).toBe('cancelled');
    const after = (await client.getPipeline({ pipelineId: view.pipelineId })).nodes;
    expect(after.int8!.status).toBe('failed');
    expect(after.int8!.message).toMatch(/^Cancelled before it finished/);
    for (const id of ['fp16', 'gate', 'save-int8', 'save-fp16']) expect(['pending', 'stale'], id).toContain(after[id]!.status);
    expect(after.dynamic!.status).toBe('done');
    expect(readdirSync(saveDir)).toEqual([]);
    // A new run picks up where it stopped: what was done is not run again.
    const rerun = await run(client, view.pipelineId, saveDir);
    expect(rerun.cached).toEqual(['digits', 'calib', 'eval', 'dynamic']);
    expect(readdirSync(saveDir).sort()).toEqual(['digits.fp16.onnx', 'digits.int8.onnx']);
  });

  it('an edit made while a run is under way leaves what it changed stale, and the next run redoes only that', async () => {
    const client = engine();
    const view = await client.openPipeline({ pipeline: scenario() });
    const edited = scenario();
    edited.nodes.find((n) => n.id === 'fp16')!.params = { keepIOTypes: true };
    let updated: Promise<unknown> | undefined;
    const off = client.on('pipeline.node', (e) => {
      if (e.pipelineId === view.pipelineId && e.nodeId === 'int8' && e.state.status === 'running' && !updated) {
        // The update's own events report int8 running again: the guard is set before the call.
        updated = Promise.resolve();
        updated = client.updatePipeline({ pipelineId: view.pipelineId, pipeline: edited });
      }
    });
    const saveDir = tempDir();
    const first = await run(client, view.pipelineId, saveDir);
    off();
    await updated;
    // The run finished what it started with the parameters it started with...
    expect(first.ran).toContain('fp16');
    const after = (await client.getPipeline({ pipelineId: view.pipelineId })).nodes;
    // ...and what the edit changed is out of date now, the rest done.
    expect(Object.entries(after).filter(([, st]) => st.status === 'stale').map(([id]) => id)).toEqual(['fp16', 'gate', 'save-fp16']);
    expect(Object.entries(after).filter(([, st]) => st.status === 'done').map(([id]) => id)).toEqual(['digits', 'calib', 'eval', 'dynamic', 'int8', 'save-int8']);
    const second = await run(client, view.pipelineId, saveDir);
    expect(second.ran).toEqual(['fp16', 'gate', 'save-fp16']);
  });

  it('refuses to run a pipeline with a missing input, naming it, and runs up to a node that does not need it', async () => {
    const client = engine();
    const p = scenario();
    p.edges = p.edges.filter((e) => e.to.port !== 'calibration');
    const view = await client.openPipeline({ pipeline: p });
    expect(view.problems.map((x) => x.message)).toEqual(["INT8 static needs a calibration dataset: connect one to its 'calibration' input."]);
    expect(view.nodes.int8!.key).toBe('');
    await expect(client.startRunPipeline({ pipelineId: view.pipelineId })).rejects.toThrow("The pipeline cannot run: INT8 static needs a calibration dataset: connect one to its 'calibration' input.");
    const job = await client.waitForJob((await client.startRunPipeline({ pipelineId: view.pipelineId, upTo: 'fp16' })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    expect((job.result as PipelineRunResult).ran).toEqual(['digits', 'dynamic', 'fp16']);
    expect(await client.listPipelines({})).toEqual([{ pipelineId: view.pipelineId, name: 'digits deploy', nodeCount: 9 }]);
    // Closing the pipeline closes the models it opened and made; a model the user bound stays open.
    const mine = await client.openModel({ source: { kind: 'path', path: DIGITS } });
    const other = await client.openPipeline({ pipeline: scenario() });
    await client.bindPipelineSource({ pipelineId: other.pipelineId, nodeId: 'digits', docId: mine.docId });
    await client.waitForJob((await client.startRunPipeline({ pipelineId: other.pipelineId, upTo: 'fp16' })).jobId);
    // Each: its source (opened or bound), the dynamic copy and the FP16 model.
    expect((await client.listModels({})).length).toBe(6);
    await client.closePipeline({ pipelineId: view.pipelineId });
    await expect(client.getPipeline({ pipelineId: view.pipelineId })).rejects.toThrow(`There is no open pipeline '${view.pipelineId}'; open the pipeline file again.`);
    await client.closePipeline({ pipelineId: other.pipelineId });
    expect((await client.listModels({})).map((m) => m.docId)).toEqual([mine.docId]);
  });

  it('opens a version 1 recipe file as a pipeline, and the CLI replays it', async () => {
    const client = engine();
    const input = await client.openModel({ source: { kind: 'path', path: DIGITS } });
    await client.applyEdit({ docId: input.docId, command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' } });
    const calib = await client.openDataset({ source: { kind: 'path', path: CALIB } });
    const q = await client.waitForJob((await client.startQuantize({ docId: input.docId, mode: 'int8-static', datasetId: calib.datasetId })).jobId);
    expect(q.status, q.error?.message).toBe('succeeded');
    const recorded = (await client.getRecipe({ docId: input.docId })).recipe;
    expect(recorded.version).toBe(1);
    const view = await client.openPipeline({ pipeline: recorded });
    expect(view.problems).toEqual([]);
    expect(view.pipeline.nodes.map((n) => [n.id, n.kind])).toEqual([['input', 'model-source'], ['data-calib', 'data-source'], ['edit-1', 'edit'], [recorded.steps[1]!.id, 'int8-static']]);
    const dir = tempDir();
    const appOut = path.join(dir, 'app.onnx');
    await client.waitForJob((await client.startSaveModel({ docId: (q.result as { docId: string }).docId, target: { kind: 'path', path: appOut } })).jobId);
    const file = path.join(dir, 'v1.json');
    writeFileSync(file, JSON.stringify(recorded));
    const r = cli(['run', file, '-o', path.join(dir, 'replayed.onnx')]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'replayed.onnx')).equals(readFileSync(appOut))).toBe(true);
  });
});

describe('a pipeline run and the model view', () => {
  it('what the user does in the model view while a pipeline runs is still recorded (regression: recording was off engine-wide during a run)', async () => {
    const client = engine();
    const view = await client.openPipeline({ pipeline: scenario() });
    let jobId = '';
    const running = new Promise<void>((resolve) => {
      const off = client.on('pipeline.node', (e) => {
        if (e.pipelineId === view.pipelineId && e.nodeId === 'int8' && e.state.status === 'running') {
          off();
          resolve();
        }
      });
    });
    jobId = (await client.startRunPipeline({ pipelineId: view.pipelineId, saveTo: { kind: 'path', path: tempDir() } })).jobId;
    await running;
    // Meanwhile, in the model view: an edit and an FP16 quantization of the same model.
    const doc = await client.openModel({ source: { kind: 'path', path: DIGITS } });
    await client.applyEdit({ docId: doc.docId, command: 'setDim', params: { tensor: 'image', axis: 0, value: 'n' } });
    const q = await client.waitForJob((await client.startQuantize({ docId: doc.docId, mode: 'fp16' })).jobId);
    expect(q.status, q.error?.message).toBe('succeeded');
    const recorded = (await client.getRecipe({ docId: doc.docId })).recipe.steps;
    expect(recorded.map((s) => s.kind)).toEqual(['edit', 'quantize']);
    const job = await client.waitForJob(jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    // And the pipeline's own calls recorded nothing in any model's recipe.
    expect((await client.getRecipe({ docId: doc.docId })).recipe.steps).toHaveLength(2);
    const mine = new Set([doc.docId, (q.result as { docId: string }).docId]);
    const others = (await client.listModels({})).filter((m) => !mine.has(m.docId));
    expect(others.length).toBeGreaterThanOrEqual(4);
    // (A model's own edit history always reads as its edit step; the run's quantizations and comparison were not recorded.)
    for (const m of others) expect((await client.getRecipe({ docId: m.docId })).recipe.steps.filter((st) => st.kind !== 'edit'), m.fileName).toEqual([]);
  });
});
