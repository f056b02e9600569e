/**
 * Error codes of the engine API. Every failure that reaches a user is one of these with a one-sentence
 * message that says what is wrong and what to do; stack traces never cross the API.
 */
export const ERROR_CODES = {
  BAD_ARGUMENT: 'a request argument is missing or has the wrong form',
  UNKNOWN_METHOD: 'the engine has no such method',
  NOT_FOUND: 'a file, model, job or sample does not exist',
  INVALID_MODEL: 'the bytes are not a usable ONNX model',
  ALREADY_EXISTS: 'the output exists and overwriting was not asked for',
  IO_ERROR: 'reading or writing a file failed',
  CANCELLED: 'the job was cancelled',
  CHANGED_ON_DISK: 'the file changed on disk since it was opened; saving over it needs confirmation',
  UNAUTHORIZED: 'the request lacks the launch token',
  FORBIDDEN: 'the request is not allowed from this client',
  RUNTIME_ERROR: 'ONNX Runtime could not load or run the model',
  INTERNAL: 'a bug in ONNX Studio',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'EngineError';
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && code in ERROR_CODES;
}

/** Turns anything thrown into ErrorInfo; unexpected errors become INTERNAL without their stack. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof EngineError) return e.toInfo();
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: `Internal error: ${firstLine(message)}. Please report this with the file that caused it.` };
}

export function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
