import { EngineError, isErrorCode, type Reply } from './errors.js';
import { METHOD_NAMES } from './method-names.js';
import type { EngineApi, EngineEvent, EngineEvents, EventName, MethodName } from './methods.js';
import type { JobInfo, JobProgress } from './dto.js';

/** What a transport provides: request/reply and a stream of events. */
export interface Transport {
  request(method: MethodName, args: unknown): Promise<Reply<unknown>>;
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

export type EngineClient = EngineApi & {
  on<E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void): () => void;
  /** Resolves with the job's final state once it finishes, reporting progress on the way. */
  waitForJob(jobId: string, onProgress?: (p: JobProgress) => void): Promise<JobInfo>;
};

/** Builds the typed API over a transport; failed replies become EngineErrors with their code. */
export function createEngineClient(transport: Transport): EngineClient {
  const client = {} as Record<string, unknown>;
  for (const method of METHOD_NAMES as readonly MethodName[]) {
    client[method] = async (args: unknown) => {
      const reply = await transport.request(method, args ?? {});
      if (reply.ok) return reply.value;
      const code = isErrorCode(reply.error.code) ? reply.error.code : 'INTERNAL';
      throw new EngineError(code, reply.error.message, reply.error.details);
    };
  }
  const on = <E extends EventName>(event: E, listener: (payload: EngineEvents[E]) => void) =>
    transport.subscribe((e) => {
      if (e.event === event) listener(e.payload as EngineEvents[E]);
    });
  client.on = on;
  client.waitForJob = (jobId: string, onProgress?: (p: JobProgress) => void) =>
    new Promise<JobInfo>((resolve, reject) => {
      let settled = false;
      let lastProgress: JobProgress | undefined;
      const finish = (info: JobInfo) => {
        if (settled) return;
        settled = true;
        offProgress();
        offDone();
        // A job that finished before we subscribed sent its events to nobody: hand
        // the caller the final progress so it always sees where the job ended.
        const final = info.progress;
        if (onProgress && final && (lastProgress?.done !== final.done || lastProgress.phase !== final.phase)) onProgress(final);
        resolve(info);
      };
      const offProgress = on('job.progress', (p) => {
        if (p.jobId !== jobId || settled) return;
        lastProgress = p;
        onProgress?.(p);
      });
      const offDone = on('job.done', (info) => {
        if (info.jobId === jobId) finish(info);
      });
      // The job may have finished before we subscribed: ask once.
      (client.getJob as EngineApi['getJob'])({ jobId }).then((info) => {
        if (info.status !== 'running') finish(info);
      }, (e: unknown) => {
        if (settled) return;
        settled = true;
        offProgress();
        offDone();
        reject(e instanceof Error ? e : new Error(String(e)));
      });
    });
  return client as EngineClient;
}
