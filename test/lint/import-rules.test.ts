import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

/** The folder rules of DESIGN.md, checked by linting code as if it lived in each folder. */
const cases: [file: string, code: string, allowed: boolean][] = [
  ['shared/probe.ts', "import fs from 'node:fs'; export const a = fs;", false],
  ['shared/probe.ts', "import { Engine } from '../electron/engine/engine.js'; export const a = Engine;", false],
  ['shared/probe.ts', "import React from 'react'; export const a = React;", false],
  ['shared/probe.ts', "import { z } from 'zod'; export const a = z;", true],
  ['renderer/src/probe.ts', "import { readFileSync } from 'fs'; export const a = readFileSync;", false],
  ['renderer/src/probe.ts', "import { ipcRenderer } from 'electron'; export const a = ipcRenderer;", false],
  ['renderer/src/probe.ts', "import { dispatch } from '../../shared/api/dispatch.js'; export const a = dispatch;", true],
  ['electron/engine/probe.ts', "import { app } from 'electron'; export const a = app;", false],
  ['electron/engine/probe.ts', "import { App } from '../../renderer/src/components/App.js'; export const a = App;", false],
  ['electron/engine/probe.ts', "import fs from 'node:fs'; export const a = fs;", true],
  ['electron/main/probe.ts', "import { Engine } from '../engine/engine.js'; export const a = Engine;", false],
  ['electron/main/probe.ts', "import { app } from 'electron'; export const a = app;", true],
  ['electron/preload/probe.cts', "import { Engine } from '../engine/engine.js'; export const a = Engine;", false],
  ['electron/preload/probe.cts', "import type { Reply } from '../../shared/api/errors.js'; export type A = Reply<1>;", true],
];

describe('import rules between folders', () => {
  const eslint = new ESLint({ cwd: repoRoot });
  it.each(cases)('%s: %s -> allowed=%s', async (file, code, allowed) => {
    const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${file}` });
    const restricted = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(restricted.length === 0).toBe(allowed);
  });
});
