/**
 * The one rule for callers that reach the engine over HTTP (browser mode): file paths never cross, in
 * either direction. Arguments are searched as plain data, whatever the method, so a path hidden in an
 * edit's params, a recipe step or any future field is found without the method table knowing about it;
 * replies are scrubbed the same way.
 */

/** Object keys whose values name files or folders on the engine's machine. */
const FILE_KEYS = new Set(['path', 'filePath', 'inputFiles', 'output', 'sourceDir', 'sourceFile', 'dir', 'folder', 'directory']);

/** Deeper than any argument of the contract; a deeper value is refused rather than searched. */
export const MAX_ARGUMENT_DEPTH = 64;

export type PathFinding = { kind: 'file-path' | 'too-deep'; where: string };

const ABSOLUTE = /^(?:[\\/]|[A-Za-z]:[\\/]|file:)/i;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * A browser folder upload names each file by its place in the dropped folder ({blobId, path}); that
 * relative label is not a path on the engine's machine as long as it cannot climb out.
 */
function isUploadLabel(parent: Record<string, unknown>, key: string, value: unknown): boolean {
  return key === 'path' && typeof parent.blobId === 'string' && typeof value === 'string' && !ABSOLUTE.test(value) && !value.split(/[\\/]+/).includes('..');
}

/** The first place in a value that carries a file path (or is too deep to check), or undefined. */
export function findFilePath(value: unknown, where = '', depth = 0): PathFinding | undefined {
  if (!isObject(value)) return undefined;
  if (depth > MAX_ARGUMENT_DEPTH) return { kind: 'too-deep', where: where || 'the arguments' };
  if (!Array.isArray(value) && value.kind === 'path') return { kind: 'file-path', where: where || 'the arguments' };
  for (const [key, child] of Object.entries(value)) {
    const at = where ? `${where}.${key}` : key;
    if (!Array.isArray(value) && FILE_KEYS.has(key) && child !== undefined && child !== null && !isUploadLabel(value, key, child)) {
      return { kind: 'file-path', where: at };
    }
    const found = findFilePath(child, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What both scrubbers share: the walk that rewrites a reply, and the quick look at its JSON text. */
function pathScrubbing(privateDirs: string[]): { scrub(value: unknown): unknown; mayHoldPaths(text: string): boolean } {
  const dirs = [...new Set(privateDirs.filter((d) => d.length > 1).map((d) => d.replace(/[\\/]+$/, '')))].sort((a, b) => b.length - a.length);
  // A folder counts only where a path starts and as whole components: '/tmp/x', not '/tmpfoo' or 'a.com/tmp/x'.
  const pattern = dirs.length > 0 ? new RegExp(`(?<![\\w.\\-/\\\\])(?:${dirs.map(escapeRegExp).join('|')})(?=$|[\\\\/\\s'"\`),;:])(?:[\\\\/][^\\s'"\`\\\\/),;:]*)*`, 'g') : undefined;
  const scrubText = (text: string): string =>
    pattern
      ? text.replace(pattern, (match) => {
          const parts = match.split(/[\\/]/).filter(Boolean);
          return parts.length > 0 ? parts[parts.length - 1]! : '';
        })
      : text;
  // Most replies name no path at all; one look at their JSON text finds those and spares the walk.
  const jsonDirs = dirs.map((d) => JSON.stringify(d).slice(1, -1));
  const keyedAbsolute = new RegExp(`"(?:${[...FILE_KEYS].join('|')})":"(?:/|\\\\|[A-Za-z]:|file:)`, 'i');
  const mayHoldPaths = (text: string): boolean => keyedAbsolute.test(text) || jsonDirs.some((d) => text.includes(d));
  const scrub = (value: unknown): unknown => {
    // A data: URL (thumbnails, previews) is base64, where '/tmp' can occur by chance; it holds no path.
    if (typeof value === 'string') return value.startsWith('data:') ? value : scrubText(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (FILE_KEYS.has(key) && typeof child === 'string' && ABSOLUTE.test(child)) continue;
      out[key] = scrub(child);
    }
    return out;
  };
  return { scrub, mayHoldPaths };
}

/**
 * Removes the engine machine's paths from a reply: properties holding absolute paths go, and any text
 * that mentions a path under one of `privateDirs` keeps only the file's name.
 */
export function createPathScrubber(privateDirs: string[]): (value: unknown) => unknown {
  const { scrub, mayHoldPaths } = pathScrubbing(privateDirs);
  return (value) => {
    const text = JSON.stringify(value);
    return text !== undefined && mayHoldPaths(text) ? scrub(value) : value;
  };
}

/**
 * The same rule for a reply that leaves as JSON text: the text made to look for paths is the one sent
 * when it holds none, so a large reply (a graph view) is serialized once.
 */
export function createJsonPathScrubber(privateDirs: string[]): (value: unknown) => string {
  const { scrub, mayHoldPaths } = pathScrubbing(privateDirs);
  return (value) => {
    const text = JSON.stringify(value) ?? 'null';
    return mayHoldPaths(text) ? (JSON.stringify(scrub(value)) ?? 'null') : text;
  };
}
