import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LayoutClient, MAIN_THREAD_ITEMS } from '../../../renderer/src/graph/layout-client.js';
import type { LayoutRequest, WorkerMessage, WorkerRequest } from '../../../renderer/src/graph/layout-protocol.js';
import { ROOT } from '../../../renderer/src/graph/scope-tree.js';

/** A stand-in for the browser's Worker that records what it is sent and answers only when told to. */
class FakeWorker {
  static made: FakeWorker[] = [];
  readonly posted: WorkerRequest[] = [];
  private readonly listeners: ((e: MessageEvent<WorkerMessage>) => void)[] = [];
  constructor() {
    FakeWorker.made.push(this);
  }
  addEventListener(_type: 'message', listener: (e: MessageEvent<WorkerMessage>) => void): void {
    this.listeners.push(listener);
  }
  postMessage(request: WorkerRequest): void {
    this.posted.push(request);
  }
  send(message: WorkerMessage): void {
    for (const l of this.listeners) l({ data: message } as MessageEvent<WorkerMessage>);
  }
  terminate(): void {}
}

function chain(n: number): Omit<LayoutRequest, 'id'> {
  const ids = Array.from({ length: n }, (_, i) => `n:${i}`);
  return {
    direction: 'TB',
    sizes: Object.fromEntries(ids.map((id) => [id, { width: 120, height: 40 }])),
    containers: [{ id: ROOT, children: ids, edges: ids.slice(1).map((id, i) => [ids[i]!, id] as [string, string]) }],
  };
}

describe('layout client', () => {
  const real = globalThis.Worker;
  beforeEach(() => {
    FakeWorker.made = [];
    (globalThis as { Worker: unknown }).Worker = FakeWorker;
  });
  afterEach(() => {
    (globalThis as { Worker: unknown }).Worker = real;
  });

  it('lays out a small graph on the UI thread while the worker is still starting', async () => {
    const client = new LayoutClient();
    const result = await client.layout(chain(11));
    expect(FakeWorker.made).toHaveLength(1);
    expect(FakeWorker.made[0]!.posted).toEqual([]);
    expect(result!.onMainThread).toBe(true);
    // A real layout: a chain goes down, one node per rank, none on top of another.
    const ys = Array.from({ length: 11 }, (_, i) => result!.positions[`n:${i}`]!.y);
    expect(ys.every((y, i) => i === 0 || y > ys[i - 1]! + 40)).toBe(true);
    client.dispose();
  });

  it('sends a big graph to the worker, and small ones too once the worker is warm', async () => {
    const client = new LayoutClient();
    const big = client.layout(chain(MAIN_THREAD_ITEMS + 1));
    const worker = FakeWorker.made[0]!;
    expect(worker.posted).toHaveLength(1);
    worker.send({ kind: 'result', id: (worker.posted[0] as LayoutRequest).id, positions: { 'n:0': { x: 1, y: 2 } }, frames: {}, computed: 1, ms: 5 });
    expect((await big)!.positions['n:0']).toEqual({ x: 1, y: 2 });

    worker.send({ kind: 'ready' });
    await new Promise((resolve) => setImmediate(resolve));
    const small = client.layout(chain(3));
    expect(worker.posted).toHaveLength(2);
    worker.send({ kind: 'result', id: (worker.posted[1] as LayoutRequest).id, positions: {}, frames: {}, computed: 1, ms: 1 });
    expect((await small)!.onMainThread).toBeUndefined();
    client.dispose();
  });

  it("asks the worker to warm its code up once, when told the first screen is painted, not at start", () => {
    const client = new LayoutClient();
    client.warmUp();
    const worker = FakeWorker.made[0]!;
    expect(worker.posted).toEqual([]);
    client.warmUpCode();
    client.warmUpCode();
    expect(worker.posted).toEqual([{ kind: 'warm-up' }]);
    client.dispose();
  });
});
