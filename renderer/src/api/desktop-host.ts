import type { Transport } from '../../../shared/api/client.js';
import type { EngineEvent } from '../../../shared/api/methods.js';
import type { DesktopBridge } from './bridge.js';
import type { Host } from './host.js';

/** Desktop: the engine API over Electron IPC (preload -> main -> engine utility process). */
export function desktopHost(bridge: DesktopBridge): Host {
  const transport: Transport = {
    request: (method, args) => bridge.call(method, args),
    subscribe: (listener) => bridge.listen('engine-event', (payload) => listener(payload as EngineEvent)),
  };
  const pathFrom = async (method: string, args?: unknown) => {
    const reply = await bridge.call(method, args);
    if (!reply.ok) throw new Error(reply.error.message);
    return (reply.value as { path: string | null }).path;
  };
  return {
    kind: 'desktop',
    transport,
    pickModelPath: () => pathFrom('app.showOpenDialog'),
    pickFolderPath: () => pathFrom('app.showFolderDialog'),
    pickSavePath: (defaultName) => pathFrom('app.showSaveDialog', { defaultName }),
    onCommand: (listener) =>
      bridge.listen('app-command', (payload) => {
        if (payload === 'open' || payload === 'save') listener({ kind: payload });
        const openPath = (payload as { openPath?: unknown } | null)?.openPath;
        if (typeof openPath === 'string') listener({ kind: 'open-path', path: openPath });
      }),
    pathForFile: (file) => bridge.pathForFile(file),
  };
}
