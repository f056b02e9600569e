import type { EngineClient } from '../../../shared/api/client.js';
import type { DatasetInfo } from '../../../shared/api/dto.js';
import type { Host } from './host.js';

/** A file picked or dropped as part of a folder, with its path inside that folder. */
export interface FolderFile {
  file: File;
  relPath: string;
}

const UPLOAD_PARALLEL = 4;

/**
 * Hands a dropped or picked folder to the engine. Browser mode uploads the files (a few at a time) and
 * names them by their paths inside the folder; the desktop passes folders by path instead (see the panels).
 */
export async function uploadFolder(client: EngineClient, host: Host, files: FolderFile[], folderName: string, onProgress: (done: number, total: number) => void): Promise<DatasetInfo> {
  if (files.length === 0) throw new Error(`The folder '${folderName}' is empty: expected .png/.jpg/.jpeg/.bmp/.webp/.npy/.pb files.`);
  if (!host.upload) throw new Error('This app cannot read dropped folders here; use the command line instead.');
  const uploaded: { blobId: string; path: string }[] = [];
  let next = 0;
  onProgress(0, files.length);
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      uploaded.push({ blobId: await host.upload!(f.file), path: f.relPath });
      onProgress(uploaded.length, files.length);
    }
  };
  await Promise.all(Array.from({ length: UPLOAD_PARALLEL }, worker));
  uploaded.sort((a, b) => (a.path < b.path ? -1 : 1));
  return client.openDataset({ source: { kind: 'blobs', name: folderName, files: uploaded } });
}
