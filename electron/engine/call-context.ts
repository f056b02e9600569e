import { AsyncLocalStorage } from 'node:async_hooks';
import { EngineError } from '../../shared/api/errors.js';

/** Who a call came from. A remote caller (browser mode, over HTTP) may never name files on this machine. */
export interface CallContext {
  remote: boolean;
}

const LOCAL: CallContext = { remote: false };
const storage = new AsyncLocalStorage<CallContext>();

/**
 * The context of the work running now. It follows the call into everything it starts (jobs, recipe
 * replays through the in-process client, pipeline runs), because they run in its async context.
 */
export function currentCallContext(): CallContext {
  return storage.getStore() ?? LOCAL;
}

/** Runs work as `context`; a remote context is never downgraded by a nested local call. */
export function runInCallContext<T>(context: CallContext, work: () => T): T {
  const merged = currentCallContext().remote ? { remote: true } : context;
  return storage.run(merged, work);
}

/** Binds a callback to the context it was created in (work queued now that runs later). */
export function bindCallContext<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
  const context = currentCallContext();
  return (...args: A) => storage.run(context, () => fn(...args));
}

/**
 * The guard at every place the engine opens or writes a file a caller named. Arguments from remote
 * callers are already searched for paths at dispatch; this catches any path that arrives another way
 * (stored in a recipe, made up by the engine from earlier input).
 */
export function assertLocalFileAccess(what: string): void {
  if (currentCallContext().remote) {
    throw new EngineError('FORBIDDEN', `In browser mode the server reads and writes no file paths for the page (${what}); upload the file or download the result instead.`);
  }
}
