import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

describe('install hygiene', () => {
  it('decides every dependency install script in package.json and sets no config npm does not know', () => {
    // npm 11 runs no dependency install script unless allowScripts approves it and warns about each
    // one left undecided; it also warns about unknown keys in .npmrc. `install-scripts ls` reports both.
    const r = spawnSync('npm', ['install-scripts', 'ls', '--json'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    expect(r.error).toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    // Warnings about a user's own ~/.npmrc or environment are theirs, not the project's.
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('npm warn') && !/Unknown (user|global|env) config/.test(l));
    expect(warnings).toEqual([]);
    expect(JSON.parse(r.stdout)).toEqual({ allowScripts: [] });
  });
});
