import { describe, expect, it } from 'vitest';
import { createEngineClient, type Transport } from '../../../shared/api/client.js';
import type { EngineEvent } from '../../../shared/api/methods.js';
import type { JobInfo, JobProgress } from '../../../shared/api/dto.js';

/** A transport whose job already finished when the caller asks: its events went to nobody. */
function finishedJobTransport(info: JobInfo): Transport & { deliver(e: EngineEvent): void } {
  const listeners = new Set<(e: EngineEvent) => void>();
  return {
    deliver: (e) => listeners.forEach((l) => l(e)),
    request: async (method) => {
      if (method !== 'getJob') throw new Error(`unexpected ${method}`);
      return { ok: true, value: info };
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

const final: JobProgress = { jobId: 'j1', kind: 'save', phase: 'writing', done: 5, total: 5 };
const done: JobInfo = { jobId: 'j1', kind: 'save', status: 'succeeded', progress: final, result: { ok: 1 } };

describe('waitForJob', () => {
  it('reports the final progress of a job that finished before the caller subscribed', async () => {
    const seen: JobProgress[] = [];
    const info = await createEngineClient(finishedJobTransport(done)).waitForJob('j1', (p) => seen.push(p));
    expect(info.status).toBe('succeeded');
    expect(seen).toEqual([final]);
  });

  it('reports the events before the end, then the end, and nothing after it', async () => {
    const seen: JobProgress[] = [];
    const transport = finishedJobTransport(done);
    const client = createEngineClient(transport);
    const waiting = client.waitForJob('j1', (p) => seen.push(p));
    // An event sent before the end, then the reply, then one on the other connection after it.
    transport.deliver({ event: 'job.progress', payload: { ...final, done: 2 } } as EngineEvent);
    await waiting;
    transport.deliver({ event: 'job.progress', payload: { ...final, done: 3 } } as EngineEvent);
    expect(seen.map((p) => p.done)).toEqual([2, 5]);
  });
});
