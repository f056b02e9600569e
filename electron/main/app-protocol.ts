import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const APP_SCHEME = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/**
 * The renderer is served from a standard, secure custom scheme rather than file://, whose opaque
 * origin breaks module workers (the layout worker) and gives the page no origin to pin a CSP to.
 * Must be called before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves files of the built renderer only; anything resolving outside its folder is a 404. */
export function serveRenderer(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const file = path.resolve(root, '.' + path.posix.normalize('/' + decodeURIComponent(url.pathname)));
    if (url.host !== 'app' || !file.startsWith(root + path.sep)) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(file).href);
  });
}
