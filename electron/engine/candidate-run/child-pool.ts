import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { EngineError } from '../../../shared/api/errors.js';
import { jobSignal } from '../job-signal.js';
import type { ChildReply, ChildRequest } from './child-protocol.js';

/** A check child that may serve several requests, one at a time. */
interface CheckChild {
  process: ChildProcess;
  /** The tail of what it wrote on stderr during the current request (the phase marks). */
  stderr: string;
  /** Drops it from the idle list when it ends while waiting there. */
  onIdleClose?: () => void;
}

const cancelled = () => new EngineError('CANCELLED', 'The job was cancelled; its ONNX Runtime check was stopped.');

export type ChildAnswer = { reply: ChildReply } | { ended: { code: number | null; signal: NodeJS.Signals | null; stderr: string } };

/**
 * Children kept between checks. Starting one (Node plus ONNX Runtime's binding) costs about a second
 * on a loaded machine, which a thousand small checks in a row would pay a thousand times; a child that
 * crashed is never reused, and idle ones do not keep the app from exiting.
 */
const MAX_IDLE = 2;
const idle: CheckChild[] = [];

function start(script: string): CheckChild {
  // Inside Electron's utility process execPath is Electron itself; this makes it plain Node.
  const process_ = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const child: CheckChild = { process: process_, stderr: '' };
  process_.stderr!.setEncoding('utf8');
  process_.stderr!.on('data', (chunk: string) => {
    child.stderr += chunk;
    // Only the last phase matters; keep the tail so a chatty runtime cannot grow this without bound.
    if (child.stderr.length > 65_536) child.stderr = child.stderr.slice(-4096);
  });
  return child;
}

function hold(child: CheckChild): void {
  if (child.onIdleClose) child.process.off('close', child.onIdleClose);
  child.process.ref();
  child.process.channel?.ref();
  (child.process.stderr as Socket | null)?.ref();
}

function release(child: CheckChild): void {
  if (idle.length >= MAX_IDLE || !child.process.connected) {
    child.process.disconnect();
    return;
  }
  // The process, its IPC channel and its stderr pipe each keep the event loop alive while held.
  child.process.unref();
  child.process.channel?.unref();
  (child.process.stderr as Socket | null)?.unref();
  child.onIdleClose = () => {
    const k = idle.indexOf(child);
    if (k >= 0) idle.splice(k, 1);
  };
  child.process.once('close', child.onIdleClose);
  idle.push(child);
}

/**
 * Sends one request to a check child (an idle one, or a new one) and waits for its reply or its end.
 * When the job this runs for is cancelled, the child is killed and the promise rejects at once.
 */
export function askChild(script: string, request: ChildRequest): Promise<ChildAnswer> {
  const signal = jobSignal();
  if (signal?.aborted) return Promise.reject(cancelled());
  let child = idle.pop();
  while (child && !child.process.connected) child = idle.pop();
  const c = child ?? start(script);
  hold(c);
  c.stderr = '';
  return new Promise<ChildAnswer>((resolve, reject) => {
    const done = () => {
      c.process.off('message', onMessage);
      c.process.off('close', onClose);
      c.process.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      c.process.kill('SIGKILL');
      reject(cancelled());
    };
    const onMessage = (reply: ChildReply) => {
      done();
      release(c);
      resolve({ reply });
    };
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
      done();
      resolve({ ended: { code, signal, stderr: c.stderr } });
    };
    const onError = (e: Error) => {
      done();
      c.process.kill();
      reject(new Error(`ONNX Runtime's check process could not start (${e.message})`));
    };
    c.process.on('message', onMessage);
    c.process.on('close', onClose);
    c.process.on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    c.process.send(request);
  });
}
