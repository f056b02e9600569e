import { isMethodName } from '../../shared/api/methods.js';

/** Methods the main process answers itself (native dialogs); everything else goes to the engine. */
export const DESKTOP_METHODS = ['app.showOpenDialog', 'app.showSaveDialog', 'app.showFolderDialog'] as const;
export type DesktopMethod = (typeof DESKTOP_METHODS)[number];

export type Route = { to: 'desktop'; method: DesktopMethod } | { to: 'engine'; method: string } | { to: 'reject'; reason: string };

/**
 * Decides what to do with one IPC call. Only frames loaded from the app's own renderer folder may
 * call at all, and only methods of the engine table or the desktop list.
 */
export function routeCall(senderUrl: string | undefined, rendererUrlPrefix: string, method: unknown): Route {
  if (!senderUrl || !senderUrl.startsWith(rendererUrlPrefix)) return { to: 'reject', reason: 'The call did not come from ONNX Studio\'s own window.' };
  if (typeof method === 'string' && (DESKTOP_METHODS as readonly string[]).includes(method)) return { to: 'desktop', method: method as DesktopMethod };
  if (isMethodName(method)) return { to: 'engine', method };
  return { to: 'reject', reason: `There is no method '${String(method).slice(0, 80)}'.` };
}

/** Model files given on the command line (`onnx-studio-app model.onnx`, or a file association). */
export function modelPathsFromArgv(argv: readonly string[]): string[] {
  return argv.slice(1).filter((a) => !a.startsWith('-') && /\.onnx$/i.test(a));
}
