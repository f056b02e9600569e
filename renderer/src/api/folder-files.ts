import type { FolderFile } from './data-folder.js';

/** Files from an <input webkitdirectory>: their webkitRelativePath starts with the folder's name. */
export function filesFromInput(list: FileList): { files: FolderFile[]; folderName: string } {
  const files = Array.from(list).map((file) => {
    const parts = (file.webkitRelativePath || file.name).split('/');
    return { file, relPath: parts.length > 1 ? parts.slice(1).join('/') : parts[0]! };
  });
  const folderName = Array.from(list)[0]?.webkitRelativePath.split('/')[0] ?? 'folder';
  return { files, folderName };
}

function readEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries returns at most ~100 entries per call; keep reading until it returns none.
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: FolderFile[]): Promise<void> {
  if (entry.name.startsWith('.')) return;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relPath: prefix + entry.name });
  } else if (entry.isDirectory) {
    for (const child of await readEntries(entry as FileSystemDirectoryEntry)) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** Files from a drop: a dropped folder is walked (nested folders too); loose files count as a folder of them. */
export async function filesFromDrop(data: DataTransfer): Promise<{ files: FolderFile[]; folderName: string }> {
  const entries = Array.from(data.items)
    .map((item) => item.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 1 && entries[0]!.isDirectory) {
    const out: FolderFile[] = [];
    for (const child of await readEntries(entries[0] as FileSystemDirectoryEntry)) await walk(child, '', out);
    return { files: out, folderName: entries[0]!.name };
  }
  const out: FolderFile[] = [];
  for (const e of entries) await walk(e, '', out);
  return { files: out, folderName: 'dropped files' };
}
