// `npm start`: opens the desktop app. Where Electron cannot run (its binary cannot be downloaded, or
// there is no display) it says so in one line and serves the same UI in browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

/** Path of the Electron binary, downloading it on first use; a reason string when that is impossible. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const binaryPresent = () => existsSync(pathFile) && existsSync(path.join(pkgDir, 'dist', readFileSync(pathFile, 'utf8')));
  if (!binaryPresent()) {
    const install = spawnSync(process.execPath, [path.join(pkgDir, 'install.js')], { stdio: 'pipe', timeout: 180_000 });
    if (install.status !== 0 || !binaryPresent()) return { reason: 'its binary could not be downloaded' };
  }
  return { binary: path.join(pkgDir, 'dist', readFileSync(pathFile, 'utf8')) };
}

function serveInBrowser(reason) {
  console.log(`Electron is not available (${reason}); serving ONNX Studio in your browser instead.`);
  const child = spawn(process.execPath, [path.join(root, 'bin', 'onnx-studio'), 'serve', ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const electron = noDisplay ? { reason: 'there is no display' } : electronBinary();
if (!electron.binary) {
  serveInBrowser(electron.reason);
} else {
  const started = Date.now();
  const child = spawn(electron.binary, [path.join(root, 'dist', 'electron', 'main', 'main.js'), ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    process.stderr.write(d);
  });
  child.on('error', () => serveInBrowser('it could not be started'));
  child.on('exit', (code) => {
    // A crash within seconds of launch means Electron cannot run here (missing libraries, no GPU...).
    if (code !== 0 && Date.now() - started < 5000) serveInBrowser(`it exited at start: ${stderr.split('\n')[0] || `code ${code}`}`);
    else process.exit(code ?? 0);
  });
}
