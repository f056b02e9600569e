import type { Transport } from '../../shared/api/client.js';
import type { CallContext } from './call-context.js';
import { dispatchCall } from './engine-dispatch.js';
import type { Engine } from './engine.js';

/**
 * The engine called directly (CLI, tests, recipe replay), still through dispatch so arguments are
 * checked the same way. Without a context, calls run as whoever is calling now: a replay started by a
 * remote caller stays remote.
 */
export function inProcessTransport(engine: Engine, context?: CallContext): Transport {
  return {
    request: (method, args) => dispatchCall(engine, method, args, context),
    subscribe: (listener) => engine.subscribe(listener),
  };
}
