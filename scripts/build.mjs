// Builds everything `npm start`, the CLI and the tests need: TypeScript to dist/, the renderer with Vite.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(label, cmd, args) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${label} failed.`);
    process.exit(result.status ?? 1);
  }
  if (!process.env.CI) console.error(`build: ${label} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

run('TypeScript', bin('tsc'), ['-b']);
run('renderer', bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
