import type { Reply } from '../../../shared/api/errors.js';

/** What electron/preload exposes on window.onnxStudio (desktop only). */
export interface DesktopBridge {
  call(method: string, args?: unknown): Promise<Reply<unknown>>;
  listen(channel: 'engine-event' | 'app-command', callback: (payload: unknown) => void): () => void;
  /** The path of a file dropped on the window ('' when it has none). */
  pathForFile(file: File): string;
}

export function desktopBridge(): DesktopBridge | undefined {
  return (window as unknown as { onnxStudio?: DesktopBridge }).onnxStudio;
}
