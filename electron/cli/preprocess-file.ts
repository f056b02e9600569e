import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../../shared/api/errors.js';

/** Reads a preprocessing JSON file; the engine validates its content. */
export async function readPreprocess(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path.resolve(file), 'utf8');
  } catch (e) {
    throw new EngineError('NOT_FOUND', `Cannot read the preprocessing file '${file}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new EngineError('BAD_ARGUMENT', `The preprocessing file '${file}' is not valid JSON.`);
  }
}
