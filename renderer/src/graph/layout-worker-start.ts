import type { WorkerMessage } from './layout-protocol.js';

/** Starts a layout worker; `ready` resolves once its script has run. */
export function startWorker(): { worker: Worker; ready: Promise<void> } {
  const worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
  const ready = new Promise<void>((resolve) => worker.addEventListener('message', (e: MessageEvent<WorkerMessage>) => e.data.kind === 'ready' && resolve()));
  return { worker, ready };
}

/** A worker started at boot, before any graph is requested, taken by the first LayoutClient. */
let spare: ReturnType<typeof startWorker> | undefined;

/**
 * Starts the layout worker at boot. main.tsx calls it through start-layout-worker.ts, its first import,
 * so the worker starts before the rest of the page's script runs and its start-up overlaps all of it.
 */
export function prewarmLayoutWorker(): void {
  spare ??= startWorker();
}

/** The worker started at boot (once), else a new one. */
export function takeWorker(): ReturnType<typeof startWorker> {
  const started = spare ?? startWorker();
  spare = undefined;
  return started;
}
