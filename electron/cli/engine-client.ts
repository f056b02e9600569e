import { createEngineClient, type EngineClient } from '../../shared/api/client.js';
import { EngineError, isErrorCode } from '../../shared/api/errors.js';

/**
 * The CLI calls the engine in-process, through the same client the app uses. The engine (and with
 * it ONNX Runtime) is loaded only here, so `COMMAND --help` and usage errors answer at once.
 */
export async function engineClient(): Promise<EngineClient> {
  const [{ Engine }, { inProcessTransport }] = await Promise.all([import('../engine/engine.js'), import('../engine/in-process-transport.js')]);
  return createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
}

/** Waits for a job and returns its result; a failed or cancelled job becomes the engine's error. */
export async function jobResult(engine: EngineClient, jobId: string, what: string): Promise<unknown> {
  const job = await engine.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? `The ${what} did not finish.`);
  return job.result;
}
