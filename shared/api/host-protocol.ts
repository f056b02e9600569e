import type { EngineOptions } from './engine-options.js';
import type { Reply } from './errors.js';
import type { EngineEvent } from './methods.js';

/** Messages between a transport and an engine running in another thread or process. */
export type ToEngine = { type: 'init'; options: EngineOptions } | { type: 'request'; id: number; method: string; args: unknown; /** Set by the browser-mode server for calls from the page: the remote rule applies. */ remote?: boolean; /** The reply is wanted as JSON text (a 'reply-json' message). */ json?: boolean };

export type FromEngine = { type: 'ready' } | { type: 'reply'; id: number; reply: Reply<unknown> } | { type: 'reply-json'; id: number; json: string } | { type: 'event'; event: EngineEvent };
