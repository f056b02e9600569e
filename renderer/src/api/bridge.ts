import type { Reply } from '../../../shared/api/errors.js';

/** What electron/preload exposes on window.onnxStudio (desktop only). */
export interface DesktopBridge {
  call(method: string, args?: unknown): Promise<Reply<unknown>>;
  listen(channel: 'engine-event' | 'app-command', callback: (payload: unknown) => void): () => void;
}

export function desktopBridge(): DesktopBridge | undefined {
  return (window as unknown as { onnxStudio?: DesktopBridge }).onnxStudio;
}
