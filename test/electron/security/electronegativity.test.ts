import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../helpers/paths.js';

interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  description: string;
}

interface ScanResult {
  errors: { file: string; message: string }[];
  issues: Finding[];
}

type Electronegativity = (options: Record<string, unknown>, forCli?: boolean) => Promise<ScanResult>;

interface AllowList {
  excludedChecks: { check: string; reason: string }[];
  allowed: { check: string; file: string; reason: string }[];
}

const scan = createRequire(import.meta.url)('@doyensec/electronegativity') as Electronegativity;
const allowList = JSON.parse(readFileSync(path.join(import.meta.dirname, 'electronegativity-allowed.json'), 'utf8')) as AllowList;

/**
 * Copies a source tree, renaming .cts/.mts to .ts: electronegativity reads only .js/.jsx/.ts/.tsx
 * and HTML, so the preload script (preload.cts) would otherwise go unchecked.
 */
function stage(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) stage(source, path.join(to, entry.name));
    else {
      mkdirSync(to, { recursive: true });
      cpSync(source, path.join(to, entry.name.replace(/\.[cm]ts$/, '.ts')));
    }
  }
}

async function run(dir: string): Promise<ScanResult> {
  return scan({ input: dir, isRelative: true, customScan: [], excludeFromScan: allowList.excludedChecks.map((c) => c.check), parserPlugins: [] });
}

describe("Electron's security checklist (electronegativity)", () => {
  it('finds nothing in electron/ and the page it loads beyond the reviewed allow-list', async () => {
    const dir = tempDir('onnx-studio-electronegativity-');
    stage(path.join(repoRoot, 'electron'), path.join(dir, 'electron'));
    // The page every window loads (its CSP is checked) and the Electron version the checks assume.
    cpSync(path.join(repoRoot, 'renderer', 'index.html'), path.join(dir, 'index.html'));
    cpSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
    const result = await run(dir);
    // A file the parser cannot read is a file nobody checked.
    expect(result.errors).toEqual([]);
    const isAllowed = (f: Finding) => allowList.allowed.some((a) => a.check === f.id && a.file === f.file);
    const unexpected = result.issues.filter((f) => !isAllowed(f)).map((f) => `${f.id} at ${f.file}:${f.location.line}: ${f.description}`);
    expect(unexpected).toEqual([]);
    const stale = allowList.allowed.filter((a) => !result.issues.some((f) => f.id === a.check && f.file === a.file)).map((a) => `${a.check} in ${a.file}`);
    expect(stale, 'allow-list entries that match no finding any more: remove them').toEqual([]);
    for (const entry of [...allowList.allowed, ...allowList.excludedChecks]) expect(entry.reason.length).toBeGreaterThan(40);
  });

  it('does find the classic mistakes in TypeScript, so a clean run means something', async () => {
    const dir = tempDir('onnx-studio-electronegativity-bad-');
    // TypeScript-only syntax (a type annotation, satisfies) so a parser that fell back to
    // plain JavaScript would fail here rather than skip the file.
    writeFileSync(
      path.join(dir, 'main.ts'),
      [
        "import { BrowserWindow } from 'electron';",
        "const url: string = 'http://example.com/' satisfies string;",
        'export const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false } });',
        'void win.loadURL(url);',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bad-app', devDependencies: { electron: '45.4.1' } }));
    const result = await run(dir);
    expect(result.errors).toEqual([]);
    const found = new Set(result.issues.map((f) => f.id));
    for (const id of ['NODE_INTEGRATION_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) expect(found).toContain(id);
  });
});
