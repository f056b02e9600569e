import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineOptions } from '../../shared/api/engine-options.js';
import { HostClient } from '../../shared/api/host-client.js';
import type { FromEngine } from '../../shared/api/host-protocol.js';
import { appRoot } from './app-paths.js';

export interface WorkerEngine {
  client: HostClient;
  terminate(): Promise<void>;
}

/** The compiled engine host. From TypeScript sources (tests) that is the build in dist/. */
function engineHostPath(): string {
  const here = fileURLToPath(import.meta.url);
  const host = here.endsWith('.ts') ? path.join(appRoot(), 'dist', 'electron', 'engine', 'engine-host.js') : path.join(path.dirname(here), 'engine-host.js');
  if (!existsSync(host)) throw new Error(`the engine is not built (${host} is missing); run \`npm run build\``);
  return host;
}

/** Starts the engine in a worker thread, so blocking work never stalls the caller's event loop. */
export async function startWorkerEngine(options: EngineOptions): Promise<WorkerEngine> {
  const worker = new Worker(engineHostPath());
  const client = new HostClient((m) => worker.postMessage(m), options);
  worker.on('message', (m: FromEngine) => client.receive(m));
  const failedToStart = new Promise<never>((_, reject) => {
    worker.once('error', (e) => reject(new Error(`the engine worker failed to start: ${e.message}`)));
    worker.once('exit', (code) => reject(new Error(`the engine worker exited at start (code ${code})`)));
  });
  worker.on('error', (e) => client.fail(e.message));
  worker.on('exit', (code) => client.fail(`exit code ${code}`));
  await Promise.race([client.ready, failedToStart]);
  failedToStart.catch(() => {});
  return { client, terminate: async () => void (await worker.terminate()) };
}
