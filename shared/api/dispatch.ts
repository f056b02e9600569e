import { EngineError, toErrorInfo, type Reply } from './errors.js';
import { isMethodName, METHOD_ARGS, type EngineApi } from './methods.js';

/** Keeps text taken from a request short in a message: a hostile key or value can be any size. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** One sentence naming the first bad argument, e.g. "openModel: argument 'source.path' is invalid (...)". */
function describeIssue(method: string, issue: { path: PropertyKey[]; message: string }): string {
  const where = issue.path.length > 0 ? `argument '${clip(issue.path.map(String).join('.'), 120)}'` : 'the arguments';
  return `${method}: ${where} is invalid (${clip(issue.message, 200)})`;
}

/**
 * The single entry point of every transport: checks the method against the table and the arguments
 * against its schema, calls the engine, and folds any failure into a Reply. Nothing throws past it.
 */
export async function dispatch(engine: EngineApi, method: unknown, args: unknown): Promise<Reply<unknown>> {
  try {
    if (!isMethodName(method)) {
      throw new EngineError('UNKNOWN_METHOD', `The engine has no method '${String(method).slice(0, 80)}'.`);
    }
    const parsed = METHOD_ARGS[method].safeParse(args ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new EngineError('BAD_ARGUMENT', `${describeIssue(method, issue)}.`);
    }
    const call = engine[method] as (a: unknown) => Promise<unknown>;
    const value = await call.call(engine, parsed.data);
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: toErrorInfo(e) };
  }
}
