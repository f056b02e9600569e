import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { JobInfo, JobProgress } from '../../../shared/api/dto.js';
import type { EngineEvent } from '../../../shared/api/methods.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { JobManager } from '../../../electron/engine/jobs.js';
import { DIGITS } from '../../helpers/paths.js';

/** Work that runs until the test lets it finish, and says when it started. */
function gate() {
  let open!: () => void;
  let markStarted!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const started = new Promise<void>((r) => (markStarted = r));
  return { open, started, work: async () => (markStarted(), await opened, 'done') };
}

function recorder() {
  const events: EngineEvent[] = [];
  const waiters: { test: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }[] = [];
  const emit = (e: EngineEvent) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.test(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  };
  const next = (test: (e: EngineEvent) => boolean) => {
    const seen = events.find(test);
    return seen ? Promise.resolve(seen) : new Promise<EngineEvent>((resolve) => waiters.push({ test, resolve }));
  };
  const done = (jobId: string) => next((e) => e.event === 'job.done' && e.payload.jobId === jobId).then((e) => e.payload as JobInfo);
  return { events, emit, next, done };
}

describe('jobs run at most N at once, the rest queued', () => {
  it('queues past the limit with phase "queued", starts them in order, and cancels a queued one without running it', async () => {
    const rec = recorder();
    const jobs = new JobManager(rec.emit, 1);
    const gates = [gate(), gate(), gate()];
    let thirdRan = false;
    const ids = gates.map((g, i) => jobs.start(`job${i}`, i === 2 ? async () => ((thirdRan = true), g.work()) : g.work));
    await gates[0]!.started;
    expect(jobs.counts()).toEqual({ running: 1, queued: 2 });
    expect(jobs.get(ids[1]!).progress.phase).toBe('queued');
    await rec.next((e) => e.event === 'job.progress' && e.payload.jobId === ids[2] && e.payload.phase === 'queued');
    // Cancelling a waiting job ends it at once; its work never runs.
    const cancelled = jobs.cancel(ids[2]!);
    expect(cancelled.status).toBe('cancelled');
    expect((await rec.done(ids[2]!)).error?.code).toBe('CANCELLED');
    gates[0]!.open();
    expect((await rec.done(ids[0]!)).status).toBe('succeeded');
    await gates[1]!.started;
    expect(jobs.counts()).toEqual({ running: 1, queued: 0 });
    gates[1]!.open();
    expect((await rec.done(ids[1]!)).result).toBe('done');
    expect(jobs.counts()).toEqual({ running: 0, queued: 0 });
    expect(thirdRan).toBe(false);
  });

  it('forgets the oldest finished jobs past 200, so their results do not pile up', async () => {
    const rec = recorder();
    const jobs = new JobManager(rec.emit, 2);
    const ids = Array.from({ length: 201 }, (_, i) => jobs.start('tiny', async () => i));
    await Promise.all(ids.map((id) => rec.done(id)));
    expect(() => jobs.get(ids[0]!)).toThrow(/There is no job/);
    expect(jobs.get(ids[1]!).result).toBe(1);
    expect(jobs.get(ids[200]!).result).toBe(200);
  });

  it('starts a job that a running job starts at once, since it is part of its parent\'s work', async () => {
    const rec = recorder();
    const jobs = new JobManager(rec.emit, 1);
    const parent = jobs.start('parent', async () => {
      const child = jobs.start('child', async () => 'child result');
      return (await rec.done(child)).result;
    });
    expect((await rec.done(parent)).result).toBe('child result');
  });

  it('queues real engine jobs past the limit and reports it as progress', async () => {
    const engine = new Engine({ mode: 'cli', maxRunningJobs: 1 });
    const client = createEngineClient(inProcessTransport(engine));
    const progress: JobProgress[] = [];
    client.on('job.progress', (p) => progress.push(p));
    const doc = await client.openModel({ source: { kind: 'path', path: DIGITS } });
    const first = await client.startProfile({ docId: doc.docId, runs: 20, warmup: 1 });
    const second = await client.startProfile({ docId: doc.docId, runs: 2, warmup: 0 });
    expect((await client.getJob({ jobId: second.jobId })).progress.phase).toBe('queued');
    const [a, b] = await Promise.all([client.waitForJob(first.jobId), client.waitForJob(second.jobId)]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const phases = progress.filter((p) => p.jobId === second.jobId).map((p) => p.phase);
    expect(phases[0]).toBe('queued');
    expect(phases.length).toBeGreaterThan(1);
    // The second started only after the first finished.
    const firstEnd = progress.map((p) => p.jobId === first.jobId && p.done === p.total && p.total > 0).lastIndexOf(true);
    const secondWork = progress.findIndex((p) => p.jobId === second.jobId && p.phase !== 'queued');
    expect(secondWork).toBeGreaterThan(firstEnd);
  });
});
