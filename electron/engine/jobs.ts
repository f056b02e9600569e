import { randomUUID } from 'node:crypto';
import type { JobInfo, JobProgress } from '../../shared/api/dto.js';
import { EngineError, toErrorInfo } from '../../shared/api/errors.js';
import type { EngineEvent } from '../../shared/api/methods.js';

export interface JobContext {
  readonly signal: AbortSignal;
  /** Reports progress; throttled so a tight loop does not flood the event stream. */
  progress(done: number, total: number, phase?: string): void;
  /** Throws CANCELLED if the job was cancelled; call between units of work. */
  checkCancelled(): void;
}

const PROGRESS_INTERVAL_MS = 100;

/**
 * Runs long work as jobs: an id at once, progress and completion as events, cancel through an
 * AbortSignal. The work itself must clean up what it half-wrote when cancelled.
 */
export class JobManager {
  private readonly jobs = new Map<string, { info: JobInfo; controller: AbortController }>();

  constructor(private readonly emit: (event: EngineEvent) => void) {}

  start<T>(kind: string, work: (ctx: JobContext) => Promise<T>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    const started = Date.now();
    let lastEmit = 0;
    const info: JobInfo = { jobId, kind, status: 'running', progress: { jobId, kind, phase: 'starting', done: 0, total: 0 } };
    const ctx: JobContext = {
      signal: controller.signal,
      checkCancelled: () => {
        if (controller.signal.aborted) throw new EngineError('CANCELLED', `The ${kind} job was cancelled.`);
      },
      progress: (done, total, phase = info.progress.phase) => {
        const elapsed = (Date.now() - started) / 1000;
        const p: JobProgress = { jobId, kind, phase, done, total };
        if (done > 0 && total > done && elapsed > 0.5) p.etaSeconds = Math.round((elapsed / done) * (total - done));
        info.progress = p;
        const now = Date.now();
        if (now - lastEmit >= PROGRESS_INTERVAL_MS || done === total) {
          lastEmit = now;
          this.emit({ event: 'job.progress', payload: p });
        }
      },
    };
    void (async () => {
      try {
        // Let the caller receive the job id before any work (and any event) happens.
        await Promise.resolve();
        // Work that finished has finished: a cancel arriving after its last check does not undo it.
        const result = await work(ctx);
        info.status = 'succeeded';
        info.result = result;
      } catch (e) {
        const err = toErrorInfo(e);
        info.status = controller.signal.aborted || err.code === 'CANCELLED' ? 'cancelled' : 'failed';
        info.error = { code: info.status === 'cancelled' ? 'CANCELLED' : err.code, message: err.message };
      }
      this.emit({ event: 'job.done', payload: { ...info } });
    })();
    this.jobs.set(jobId, { info, controller });
    return jobId;
  }

  get(jobId: string): JobInfo {
    const job = this.jobs.get(jobId);
    if (!job) throw new EngineError('NOT_FOUND', `There is no job '${jobId}'; it may have finished in an earlier session.`);
    return { ...job.info };
  }

  cancel(jobId: string): JobInfo {
    const job = this.jobs.get(jobId);
    if (!job) throw new EngineError('NOT_FOUND', `There is no job '${jobId}' to cancel.`);
    if (job.info.status === 'running') job.controller.abort();
    return { ...job.info };
  }
}
