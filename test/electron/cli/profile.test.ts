import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { DIGITS, SHAPES, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { scopedModel } from '../../helpers/scoped-model.js';
import { cli } from '../../helpers/cli.js';


describe('onnx-studio profile', () => {
  it('reports latency and per-layer times in the JSON contract, every Conv accounted for', () => {
    const r = cli(['profile', SHAPES, '--runs', '20', '--warmup', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.backend).toBe('cpu');
    expect(p.runs).toBe(20);
    for (const key of ['mean', 'p50', 'p90', 'p99', 'min', 'max']) expect(p.latencyMs[key]).toBeGreaterThan(0);
    expect(p.latencyMs.min).toBeLessThanOrEqual(p.latencyMs.p50);
    expect(p.latencyMs.p50).toBeLessThanOrEqual(p.latencyMs.max);
    // A run of this tiny model takes a fraction of a millisecond, most of it framework overhead on a
    // busy machine: coverage is only checked to be computed here; ResNet-18's is in the benchmark.
    expect(p.coverage).toBeGreaterThan(0.1);
    expect(p.coverage).toBeLessThanOrEqual(1);
    const pct = p.nodes.reduce((a: number, n: { pct: number }) => a + n.pct, 0);
    expect(pct).toBeCloseTo(100, 5);
    const convs = decodeModel(readFileSync(SHAPES)).graph!.node!.filter((n) => n.opType === 'Conv').map((n) => n.name);
    const covered = new Set(p.nodes.flatMap((n: { name: string; fusedFrom?: string[] }) => n.fusedFrom ?? [n.name]));
    expect(convs.filter((c) => !covered.has(c))).toEqual([]);
    expect(p.nodes.some((n: { fusedFrom?: string[] }) => (n.fusedFrom?.length ?? 0) > 1)).toBe(true);
  });

  it('names an unavailable backend and why, and lists the backends', () => {
    const r = cli(['profile', SHAPES, '--backend', 'cuda']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/ONNX Runtime CUDA is not available on this machine: .+\.$/m);
    const list = JSON.parse(cli(['backends', '--json']).stdout);
    expect(list.find((b: { id: string }) => b.id === 'cpu')).toMatchObject({ available: true });
    expect(list.find((b: { id: string }) => b.id === 'cuda').reason).toMatch(/not available/);
    expect(cli(['profile', SHAPES, '--runs', 'many']).code).toBe(2);
  });

  it('measures throughput against batch size for a dynamic batch, reads .npy inputs and writes the trace', () => {
    const dir = tempDir();
    const dynamic = path.join(dir, 'dynamic.onnx');
    writeFileSync(dynamic, encodeModel(scopedModel(5)));
    const t = JSON.parse(cli(['profile', dynamic, '--runs', '8', '--warmup', '1', '--json']).stdout);
    expect(t.throughput.map((p: { batch: number }) => p.batch)).toEqual([1, 2, 4, 8, 16]);
    for (const point of t.throughput) expect(point.perSecond).toBeGreaterThan(0);
    expect(t.trace).toBeUndefined();

    runPython(`import numpy as np, sys\nnp.save(sys.argv[1] + '/ok.npy', np.random.rand(1, 1, 28, 28).astype(np.float32))\nnp.save(sys.argv[1] + '/bad.npy', np.zeros((2, 3), np.float32))`, [dir]);
    const traceFile = path.join(dir, 'trace.json');
    const ok = cli(['profile', DIGITS, '--runs', '3', '--input', `image=${path.join(dir, 'ok.npy')}`, '--trace', traceFile]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(traceFile, 'utf8')).traceEvents.length).toBeGreaterThan(0);
    const bad = cli(['profile', DIGITS, '--runs', '3', '--input', `image=${path.join(dir, 'bad.npy')}`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^onnx-studio: ONNX Runtime could not run the model with these inputs: Invalid rank for input: image/);
    const wrongName = cli(['profile', DIGITS, '--input', `pixels=${path.join(dir, 'ok.npy')}`]);
    expect(wrongName.stderr.trim()).toMatch(/The model has no input 'pixels'/);
  });

  it('stops when cancelled', async () => {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const info = await engine.openModel({ source: { kind: 'path', path: SHAPES } });
    const { jobId } = await engine.startProfile({ docId: info.docId, runs: 10_000 });
    let cancelled = false;
    const job = await engine.waitForJob(jobId, (p) => {
      if (!cancelled && p.phase === 'timing') {
        cancelled = true;
        void engine.cancelJob({ jobId });
      }
    });
    expect(job.status).toBe('cancelled');
  });
});
