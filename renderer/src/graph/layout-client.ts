import type { LayoutRequest, LayoutResult } from './layout-protocol.js';

/**
 * The UI side of the layout worker. Only the newest request matters: an older one still running is
 * cancelled by replacing the worker when it has run long enough to be worth abandoning.
 */
export class LayoutClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private pending: { id: number; started: number; resolve: (r: LayoutResult | null) => void } | undefined;

  private ensureWorker(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e: MessageEvent<LayoutResult>) => {
        if (this.pending?.id === e.data.id) {
          const { resolve } = this.pending;
          this.pending = undefined;
          resolve(e.data);
        }
      };
    }
    return this.worker;
  }

  /** Starts the worker ahead of the first layout, so its start-up overlaps loading the graph. */
  warmUp(): void {
    this.ensureWorker();
  }

  /** Resolves with the layout, or null if a newer request replaced this one. */
  layout(request: Omit<LayoutRequest, 'id'>): Promise<LayoutResult | null> {
    this.cancel();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending = { id, started: performance.now(), resolve };
      this.ensureWorker().postMessage({ ...request, id } satisfies LayoutRequest);
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
