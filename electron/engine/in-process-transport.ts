import type { Transport } from '../../shared/api/client.js';
import { dispatch } from '../../shared/api/dispatch.js';
import type { Engine } from './engine.js';

/** The engine called directly (CLI, tests), still through dispatch so arguments are checked the same way. */
export function inProcessTransport(engine: Engine): Transport {
  return {
    request: (method, args) => dispatch(engine, method, args),
    subscribe: (listener) => engine.subscribe(listener),
  };
}
