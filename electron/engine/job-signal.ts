// The cancel signal of the job the current code runs for. ONNX Runtime checks run in child processes
// started far below the job's own code (simplify's check, quantize's agreement check); a Cancel must end
// such a child at once instead of waiting out a run that can take minutes, without threading a signal
// through every function between the two.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();

export function runWithJobSignal<T>(signal: AbortSignal, work: () => T): T {
  return current.run(signal, work);
}

/** The signal of the innermost job running this code, if any. */
export function jobSignal(): AbortSignal | undefined {
  return current.getStore();
}
