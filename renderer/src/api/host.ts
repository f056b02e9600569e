import type { Transport } from '../../../shared/api/client.js';

export type HostCommand = { kind: 'open' } | { kind: 'save' } | { kind: 'open-path'; path: string };

/**
 * What differs between the desktop app and browser mode, beyond the engine API itself: how the
 * user picks files and where saved files go.
 */
export interface Host {
  kind: 'desktop' | 'browser';
  transport: Transport;
  /** Desktop: a native Open dialog returning a path. */
  pickModelPath?(): Promise<string | null>;
  /** Desktop: a native folder dialog returning a path (calibration and evaluation data). */
  pickFolderPath?(): Promise<string | null>;
  /** Desktop: a native Save dialog returning a path. */
  pickSavePath?(defaultName: string): Promise<string | null>;
  /** Browser: sends a dropped or picked file to the server once; returns its blob id. */
  upload?(file: File, onProgress?: (done: number, total: number) => void): Promise<string>;
  /** Desktop: menu commands (File > Open, File > Save As, File > Open Recent). */
  onCommand?(listener: (command: HostCommand) => void): () => void;
  /** Desktop: the path of a dropped file. */
  pathForFile?(file: File): string;
  /** Browser: the URL that downloads a file saved with target 'download'. */
  downloadUrl?(downloadId: string): string;
}
