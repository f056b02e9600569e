import { spawn } from 'node:child_process';

/** Opens the URL in the user's browser; if that fails, says so and leaves the printed URL to the user. */
export function openInBrowser(url: string, warn: (text: string) => void): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => warn(`Could not open a browser; open ${url} yourself.`));
    child.unref();
  } catch {
    warn(`Could not open a browser; open ${url} yourself.`);
  }
}
