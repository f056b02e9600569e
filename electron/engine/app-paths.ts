import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json and resources/. Found by walking up from this file, so it works
 * from the TypeScript sources (tests), from dist/ (CLI, server) and inside a packaged app.
 */
export function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'resources'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the ONNX Studio folder (package.json next to resources/)');
    dir = parent;
  }
}

export function resourcePath(...parts: string[]): string {
  return path.join(appRoot(), 'resources', ...parts);
}
