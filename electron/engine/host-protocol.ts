import type { Reply } from '../../shared/api/errors.js';
import type { EngineEvent } from '../../shared/api/methods.js';
import type { EngineOptions } from './engine.js';

/** Messages between a transport and an engine running in another thread or process. */
export type ToEngine = { type: 'init'; options: EngineOptions } | { type: 'request'; id: number; method: string; args: unknown };

export type FromEngine = { type: 'ready' } | { type: 'reply'; id: number; reply: Reply<unknown> } | { type: 'event'; event: EngineEvent };
