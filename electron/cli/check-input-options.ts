// The --shape and --value options of the commands whose result ONNX Runtime checks (simplify, convert).
import { UsageError } from './usage-error.js';

/** '--shape input=1x3x224x224': every dim a whole number of at least 1. */
export function parseFixedShape(text: string, command: string): [string, number[]] {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`--shape takes NAME=DIMS such as input=1x3x224x224, not '${text}'`, command);
  const parts = text.slice(at + 1).split(/[x,×]/);
  if (!parts.every((d) => /^[1-9]\d{0,9}$/.test(d))) throw new UsageError(`--shape ${text}: each dimension must be a whole number of at least 1`, command);
  return [text.slice(0, at), parts.map(Number)];
}

/** '--value sr=16000': the value every element of that input holds while the check runs. */
export function parseInputValue(text: string, command: string): [string, number] {
  const at = text.lastIndexOf('=');
  const value = Number(text.slice(at + 1));
  if (at <= 0 || at === text.length - 1 || !Number.isFinite(value)) throw new UsageError(`--value takes NAME=NUMBER such as sr=16000, not '${text}'`, command);
  return [text.slice(0, at), value];
}

/** The check inputs of a parsed command line, as the engine methods take them. */
export function checkInputArgs(options: { shape?: string[]; value?: string[] }, command: string): { inputShapes?: Record<string, number[]>; inputValues?: Record<string, number> } {
  const shapes = (options.shape ?? []).map((t) => parseFixedShape(t, command));
  const values = (options.value ?? []).map((t) => parseInputValue(t, command));
  return {
    ...(shapes.length > 0 ? { inputShapes: Object.fromEntries(shapes) } : {}),
    ...(values.length > 0 ? { inputValues: Object.fromEntries(values) } : {}),
  };
}
