import dagre from '@dagrejs/dagre';
import { layoutContainers, type CachedLayout } from './layout-containers.js';
import type { LayoutRequest, LayoutResult, WorkerMessage, WorkerRequest } from './layout-protocol.js';
import { takeWorker } from './layout-worker-start.js';

/**
 * Graphs up to this many items are laid out on the UI thread while the worker is still starting:
 * dagre takes a few milliseconds for them, where a worker still loading its script takes hundreds.
 * Bigger graphs wait for the worker, so the UI thread never blocks for long.
 */
export const MAIN_THREAD_ITEMS = 400;


function itemCount(request: Omit<LayoutRequest, 'id'>): number {
  return request.containers.reduce((n, c) => n + c.children.length, 0);
}

/**
 * The UI side of the layout worker. Only the newest request matters: an older one still running is
 * cancelled by replacing the worker when it has run long enough to be worth abandoning.
 */
export class LayoutClient {
  private worker: Worker | undefined;
  private workerReady = false;
  private warmed: Worker | undefined;
  private nextId = 1;
  private pending: { id: number; started: number; resolve: (r: LayoutResult | null) => void } | undefined;
  /** Layouts made on the UI thread, cached like the worker's. */
  private readonly localCache = new Map<string, CachedLayout>();

  private ensureWorker(): Worker {
    if (!this.worker) {
      const started = takeWorker();
      this.worker = started.worker;
      this.workerReady = false;
      const worker = started.worker;
      void started.ready.then(() => {
        if (this.worker === worker) this.workerReady = true;
      });
      worker.addEventListener('message', (e: MessageEvent<WorkerMessage>) => {
        if (e.data.kind === 'result' && this.pending?.id === e.data.id) {
          const { resolve } = this.pending;
          this.pending = undefined;
          resolve(e.data);
        }
      });
    }
    return this.worker;
  }

  /** Starts the worker ahead of the first layout, so its start-up overlaps loading the graph. */
  warmUp(): void {
    this.ensureWorker();
  }

  /** Has the worker run its layout code once, so the first expand is fast; called after the first screen is painted. */
  warmUpCode(): void {
    const worker = this.ensureWorker();
    if (this.warmed === worker) return;
    this.warmed = worker;
    worker.postMessage({ kind: 'warm-up' } satisfies WorkerRequest);
  }

  /**
   * Resolves with the layout, or null if a newer request replaced this one. `inWorker`: in the worker
   * even while it is starting (the UI thread has other work to do meanwhile).
   */
  layout(request: Omit<LayoutRequest, 'id'>, inWorker = false): Promise<LayoutResult | null> {
    this.cancel();
    const id = this.nextId++;
    const worker = this.ensureWorker();
    if (!inWorker && !this.workerReady && itemCount(request) <= MAIN_THREAD_ITEMS) {
      return Promise.resolve({ ...layoutContainers({ ...request, id }, this.localCache, dagre), onMainThread: true });
    }
    return new Promise((resolve) => {
      this.pending = { id, started: performance.now(), resolve };
      worker.postMessage({ ...request, id } satisfies LayoutRequest);
    });
  }

  /** Drops the request in flight; a worker busy for more than half a second is restarted (losing its cache). */
  cancel(): void {
    if (!this.pending) return;
    const { resolve, started } = this.pending;
    this.pending = undefined;
    resolve(null);
    if (performance.now() - started > 500) {
      this.worker?.terminate();
      this.worker = undefined;
    }
  }

  dispose(): void {
    this.cancel();
    this.worker?.terminate();
    this.worker = undefined;
  }
}
