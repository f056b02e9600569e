import { clip, dispatch } from '../../shared/api/dispatch.js';
import type { Reply } from '../../shared/api/errors.js';
import type { EngineApi } from '../../shared/api/methods.js';
import { createJsonPathScrubber, createPathScrubber, findFilePath } from '../../shared/api/remote-rule.js';
import { currentCallContext, runInCallContext, type CallContext } from './call-context.js';

/** What the remote rule needs from the engine: the API and the folders whose paths stay private. */
export interface GuardedEngine extends EngineApi {
  privateDirs(): string[];
}

function refusal(path: string, tooDeep: boolean): Reply<never> {
  const where = clip(path, 120);
  return {
    ok: false,
    error: tooDeep
      ? { code: 'BAD_ARGUMENT', message: `The request nests its arguments too deeply (at '${where}'); send a flatter request.` }
      : { code: 'FORBIDDEN', message: `In browser mode the server takes no file paths (found one at '${where}'); upload the file instead and refer to it by its blob id.` },
  };
}

/**
 * Every call into the engine, from any transport. It runs in its caller's context, so a remote call
 * and everything it starts (jobs, recipe replays through the in-process client) stay remote: their
 * arguments are searched for file paths and refused, and their replies lose the engine machine's paths.
 * `context` is given by transports that know their caller; calls made from inside the engine inherit it.
 */
export async function dispatchCall(engine: GuardedEngine, method: unknown, args: unknown, context?: CallContext): Promise<Reply<unknown>> {
  return runInCallContext(context ?? currentCallContext(), async () => {
    if (!currentCallContext().remote) return dispatch(engine, method, args);
    const found = findFilePath(args);
    if (found) return refusal(found.where, found.kind === 'too-deep');
    const reply = await dispatch(engine, method, args);
    return createPathScrubber(engine.privateDirs())(reply) as Reply<unknown>;
  });
}

/**
 * dispatchCall with the reply as JSON text, for a transport that sends text on (the browser-mode
 * server): a large reply such as a graph view is serialized once, in the engine's thread, instead of
 * being copied to the server's thread as objects and serialized there.
 */
export async function dispatchCallJson(engine: GuardedEngine, method: unknown, args: unknown, context?: CallContext): Promise<string> {
  return runInCallContext(context ?? currentCallContext(), async () => {
    if (!currentCallContext().remote) return JSON.stringify(await dispatch(engine, method, args));
    const found = findFilePath(args);
    if (found) return JSON.stringify(refusal(found.where, found.kind === 'too-deep'));
    const reply = await dispatch(engine, method, args);
    return createJsonPathScrubber(engine.privateDirs())(reply);
  });
}
