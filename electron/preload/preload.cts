// The only bridge between the page and Electron: call(method, args) and listen(channel, callback) on
// an allow-list, plus pathForFile for files dropped on the window (the page cannot see paths).
// The page gets no Node, no ipcRenderer, no Electron objects.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Reply } from '../../shared/api/errors.js';

const CHANNELS = { 'engine-event': 'studio:engine-event', 'app-command': 'studio:app-command' } as const;

contextBridge.exposeInMainWorld('onnxStudio', {
  call: (method: string, args?: unknown): Promise<Reply<unknown>> => ipcRenderer.invoke('studio:call', String(method), args ?? {}),
  listen: (channel: keyof typeof CHANNELS, callback: (payload: unknown) => void): (() => void) => {
    const ipcChannel = CHANNELS[channel];
    if (!ipcChannel) throw new Error(`unknown channel ${String(channel)}`);
    const handler = (_event: IpcRendererEvent, payload: unknown) => callback(payload);
    ipcRenderer.on(ipcChannel, handler);
    return () => ipcRenderer.removeListener(ipcChannel, handler);
  },
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});
