import { Worker } from 'node:worker_threads';
import type { EngineOptions } from './engine.js';
import { HostClient } from './host-client.js';
import type { FromEngine } from './host-protocol.js';

export interface WorkerEngine {
  client: HostClient;
  terminate(): Promise<void>;
}

/** Starts the engine in a worker thread, so blocking work never stalls the caller's event loop. */
export async function startWorkerEngine(options: EngineOptions): Promise<WorkerEngine> {
  const fromSources = import.meta.url.endsWith('.ts');
  const hostUrl = new URL(fromSources ? './engine-host.ts' : './engine-host.js', import.meta.url);
  // Running from TypeScript sources (tests) needs tsx's loader inside the worker too.
  const worker = new Worker(hostUrl, fromSources ? { execArgv: ['--import', 'tsx'] } : {});
  const client = new HostClient((m) => worker.postMessage(m), options);
  worker.on('message', (m: FromEngine) => client.receive(m));
  worker.on('error', (e) => client.fail(e.message));
  worker.on('exit', (code) => client.fail(`exit code ${code}`));
  await client.ready;
  return { client, terminate: async () => void (await worker.terminate()) };
}
