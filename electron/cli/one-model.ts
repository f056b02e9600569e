import { UsageError } from './usage-error.js';

/** The single MODEL path most commands take. */
export function oneModel(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one MODEL path (got ${positionals.length})`, command);
  return positionals[0]!;
}
