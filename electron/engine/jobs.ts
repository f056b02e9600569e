import { AsyncLocalStorage } from 'node:async_hooks';
import { runWithJobSignal } from './job-signal.js';
import { randomUUID } from 'node:crypto';
import type { JobInfo, JobProgress } from '../../shared/api/dto.js';
import { EngineError, toErrorInfo } from '../../shared/api/errors.js';
import type { EngineEvent } from '../../shared/api/methods.js';
import { bindCallContext } from './call-context.js';

export interface JobContext {
  readonly signal: AbortSignal;
  /** Reports progress; throttled so a tight loop does not flood the event stream. */
  progress(done: number, total: number, phase?: string): void;
  /** Throws CANCELLED if the job was cancelled; call between units of work. */
  checkCancelled(): void;
}

const PROGRESS_INTERVAL_MS = 100;
/** Two at once keep a small machine responsive; ONNX Runtime already uses every core within one job. */
export const DEFAULT_MAX_RUNNING_JOBS = 2;
/** Finished jobs whose state getJob still answers; older ones are forgotten. */
const MAX_FINISHED_JOBS = 200;

interface Job {
  info: JobInfo;
  controller: AbortController;
  /** Set while the job waits for a free slot. */
  begin?: () => void;
}

/**
 * Runs long work as jobs: an id at once, progress and completion as events, cancel through an
 * AbortSignal. At most `maxRunning` run at once; the others wait in order with phase 'queued'. A job
 * started by a running job (a recipe replay's steps) is part of its parent's work and starts at once,
 * since making it wait for the slot its parent holds could never end. The work itself must clean up
 * what it half-wrote when cancelled.
 */
export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private readonly finished: string[] = [];
  private running = 0;
  private readonly insideJob = new AsyncLocalStorage<string>();

  constructor(
    private readonly emit: (event: EngineEvent) => void,
    private readonly maxRunning = DEFAULT_MAX_RUNNING_JOBS,
  ) {
    if (!Number.isInteger(maxRunning) || maxRunning < 1) throw new RangeError('maxRunning must be a positive integer');
  }

  start<T>(kind: string, work: (ctx: JobContext) => Promise<T>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    let started = Date.now();
    let lastEmit = 0;
    const info: JobInfo = { jobId, kind, status: 'running', progress: { jobId, kind, phase: 'starting', done: 0, total: 0 } };
    const job: Job = { info, controller };
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
    const nested = this.insideJob.getStore() !== undefined;
    // Bound now: a queued job starts later from another job's completion, but runs as its own caller.
    const run = bindCallContext(() =>
      this.insideJob.run(jobId, async () => {
        started = Date.now();
        try {
          // Let the caller receive the job id before any work (and any event) happens.
          await Promise.resolve();
          ctx.checkCancelled();
          // Work that finished has finished: a cancel arriving after its last check does not undo it.
          info.result = await runWithJobSignal(controller.signal, () => work(ctx));
          info.status = 'succeeded';
        } catch (e) {
          const err = toErrorInfo(e);
          info.status = controller.signal.aborted || err.code === 'CANCELLED' ? 'cancelled' : 'failed';
          info.error = { code: info.status === 'cancelled' ? 'CANCELLED' : err.code, message: err.message };
        }
        if (!nested) this.release();
        this.finish(job);
      }),
    );
    this.jobs.set(jobId, job);
    if (nested) void run();
    else if (this.running < this.maxRunning) {
      this.running++;
      void run();
    } else {
      job.begin = () => void run();
      this.waiting.push(job);
      info.progress = { jobId, kind, phase: 'queued', done: 0, total: 0 };
      const queued = { ...info.progress };
      // After the caller has the id, like every other event of a job.
      queueMicrotask(() => this.emit({ event: 'job.progress', payload: queued }));
    }
    return jobId;
  }

  /** Announces the end and forgets the oldest finished jobs, whose results would otherwise pile up. */
  private finish(job: Job): void {
    this.finished.push(job.info.jobId);
    while (this.finished.length > MAX_FINISHED_JOBS) this.jobs.delete(this.finished.shift()!);
    this.emit({ event: 'job.done', payload: { ...job.info } });
  }

  /** A slot came free: the longest-waiting job takes it. */
  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.running--;
      return;
    }
    next.info.progress = { ...next.info.progress, phase: 'starting' };
    const begin = next.begin!;
    delete next.begin;
    begin();
  }

  /** Jobs running now and jobs waiting for a slot. */
  counts(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  get(jobId: string): JobInfo {
    const job = this.jobs.get(jobId);
    if (!job) throw new EngineError('NOT_FOUND', `There is no job '${jobId}'; it may have finished in an earlier session.`);
    return { ...job.info };
  }

  cancel(jobId: string): JobInfo {
    const job = this.jobs.get(jobId);
    if (!job) throw new EngineError('NOT_FOUND', `There is no job '${jobId}' to cancel.`);
    if (job.info.status !== 'running') return { ...job.info };
    job.controller.abort();
    const queuedAt = this.waiting.indexOf(job);
    if (queuedAt >= 0) {
      // Never started: it ends now, without taking a slot.
      this.waiting.splice(queuedAt, 1);
      delete job.begin;
      job.info.status = 'cancelled';
      job.info.error = { code: 'CANCELLED', message: `The ${job.info.kind} job was cancelled before it started.` };
      this.finish(job);
    }
    return { ...job.info };
  }
}
