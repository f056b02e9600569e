/**
 * Pipeline speed: opening (parse, validate, cache keys) and editing one node of a large pipeline in
 * the engine, through the in-process client the CLI uses. Run on its own after a build:
 *   node dist/test/bench/pipeline-bench.js
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PipelineRunResult } from '../../shared/pipeline/node-state.js';
import { createEngineClient } from '../../shared/api/client.js';
import { cacheKeys } from '../../shared/pipeline/cache-keys.js';
import { emptyPipeline, type Pipeline, type PipelineEdge, type PipelineNode } from '../../shared/pipeline/pipeline.js';
import { validatePipeline } from '../../shared/pipeline/validate-pipeline.js';
import { Engine } from '../../electron/engine/engine.js';
import { inProcessTransport } from '../../electron/engine/in-process-transport.js';
import { machineLine, timeMs } from './machine.js';

/** One model and two folders feeding `branches` FP16 + INT8 + Compare triples: 3 + 3 x branches nodes. */
export function branchyPipeline(branches: number): Pipeline {
  const nodes: PipelineNode[] = [
    { id: 'model', kind: 'model-source', params: { name: 'm.onnx', sha256: 'a'.repeat(64) }, position: { x: 0, y: 0 } },
    { id: 'calib', kind: 'data-source', params: { name: 'calib', path: '/data/calib' }, position: { x: 0, y: 140 } },
    { id: 'eval', kind: 'data-source', params: { name: 'eval', path: '/data/eval' }, position: { x: 0, y: 280 } },
  ];
  const edges: PipelineEdge[] = [];
  const edge = (a: string, ap: string, b: string, bp: string) => edges.push({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  for (let i = 0; i < branches; i++) {
    nodes.push({ id: `fp16-${i}`, kind: 'fp16', params: { keepIOTypes: i % 2 === 0 }, position: { x: 280, y: i * 280 } });
    nodes.push({ id: `int8-${i}`, kind: 'int8-static', params: { method: 'minmax', limit: 1 + i }, position: { x: 280, y: i * 280 + 140 } });
    nodes.push({ id: `cmp-${i}`, kind: 'compare', params: { thresholds: { maxTop1DropPoints: 1 } }, position: { x: 560, y: i * 280 } });
    edge('model', 'model', `fp16-${i}`, 'model');
    edge('model', 'model', `int8-${i}`, 'model');
    edge('calib', 'data', `int8-${i}`, 'calibration');
    edge('model', 'model', `cmp-${i}`, 'reference');
    edge(`fp16-${i}`, 'model', `cmp-${i}`, 'variants');
    edge(`int8-${i}`, 'model', `cmp-${i}`, 'variants');
    edge('eval', 'data', `cmp-${i}`, 'data');
  }
  return { ...emptyPipeline(`${nodes.length} nodes`), nodes, edges };
}

export async function pipelineRows(): Promise<string[][]> {
  const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const rows: string[][] = [];
  for (const branches of [49, 3332]) {
    const p = branchyPipeline(branches);
    const edited = structuredClone(p);
    edited.nodes[4]!.params = { method: 'entropy', limit: 2 };
    const { pipelineId } = await client.openPipeline({ pipeline: p });
    const runs = branches < 100 ? 20 : 3;
    rows.push([
      `${p.nodes.length} nodes, ${p.edges.length} edges`,
      (await timeMs(runs, () => validatePipeline(p))).toFixed(1),
      (await timeMs(runs, () => cacheKeys(p))).toFixed(1),
      (await timeMs(runs, () => client.openPipeline({ pipeline: p }).then((v) => client.closePipeline({ pipelineId: v.pipelineId })))).toFixed(1),
      (await timeMs(runs, () => client.updatePipeline({ pipelineId, pipeline: edited }))).toFixed(1),
    ]);
  }
  return rows;
}

/** The scenario on the digits fixture: a first run, a re-run after the INT8 method changed, a re-run with nothing changed. */
export async function scenarioRows(): Promise<string[][]> {
  // dist/test/bench -> the repository's test/fixtures.
  const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures');
  const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const edge = (a: string, ap: string, b: string, bp: string): PipelineEdge => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });
  const build = (method: string): Pipeline => ({
    ...emptyPipeline('scenario'),
    nodes: [
      { id: 'digits', kind: 'model-source', params: { name: 'digits-cnn.onnx', path: path.join(fixtures, 'digits-cnn.onnx') } },
      { id: 'calib', kind: 'data-source', params: { name: 'calib', path: path.join(fixtures, 'digits', 'calib') } },
      { id: 'eval', kind: 'data-source', params: { name: 'eval', path: path.join(fixtures, 'digits', 'eval') } },
      { id: 'dynamic', kind: 'set-dims', params: { dims: [{ tensor: 'image', axis: 0, value: 'batch' }] } },
      { id: 'int8', kind: 'int8-static', params: { method } },
      { id: 'fp16', kind: 'fp16', params: {} },
      { id: 'gate', kind: 'compare', params: { thresholds: { maxTop1DropPoints: 1 } } },
    ],
    edges: [edge('digits', 'model', 'dynamic', 'model'), edge('dynamic', 'model', 'int8', 'model'), edge('calib', 'data', 'int8', 'calibration'), edge('dynamic', 'model', 'fp16', 'model'), edge('dynamic', 'model', 'gate', 'reference'), edge('int8', 'model', 'gate', 'variants'), edge('fp16', 'model', 'gate', 'variants'), edge('eval', 'data', 'gate', 'data')],
  });
  const { pipelineId } = await client.openPipeline({ pipeline: build('minmax') });
  const timed = async (label: string) => {
    const t = performance.now();
    const job = await client.waitForJob((await client.startRunPipeline({ pipelineId })).jobId);
    const ms = performance.now() - t;
    const r = job.result as PipelineRunResult;
    return [label, (ms / 1000).toFixed(2), r.ran.join(', ') || 'none'];
  };
  const rows = [await timed('first run')];
  await client.updatePipeline({ pipelineId, pipeline: build('percentile') });
  rows.push(await timed('INT8 method changed'));
  rows.push(await timed('nothing changed'));
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(machineLine());
  console.log('| pipeline | validate ms | cache keys ms | openPipeline + close ms | updatePipeline (one node edited) ms |');
  console.log('|---|---|---|---|---|');
  for (const r of await pipelineRows()) console.log(`| ${r.join(' | ')} |`);
  console.log('\n| digits scenario run | seconds | nodes run |');
  console.log('|---|---|---|');
  for (const r of await scenarioRows()) console.log(`| ${r.join(' | ')} |`);
}
