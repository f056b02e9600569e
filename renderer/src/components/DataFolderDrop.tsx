import { useRef, useState, type DragEvent } from 'react';
import type { DatasetInfo } from '../../../shared/api/dto.js';
import type { FolderFile } from '../api/data-folder.js';
import { filesFromDrop, filesFromInput } from '../api/folder-files.js';
import { useApp } from '../store/store-context.js';

interface Props {
  /** Accessible name of the folder input, e.g. "Calibration folder". */
  label: string;
  testId: string;
  hint: string;
  dataset?: DatasetInfo;
  upload?: { done: number; total: number };
  onFiles(files: FolderFile[], folderName: string): void;
  onPath(path: string): void;
}

/**
 * Where a data folder is dropped or chosen. The desktop passes folders by path (a native dialog or the
 * dropped folder's path); the browser walks the dropped folder and the panel uploads its files.
 */
export function DataFolderDrop({ label, testId, hint, dataset, upload, onFiles, onPath }: Props) {
  const host = useApp((x) => x.host);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const dropped = e.dataTransfer.files[0];
    const droppedPath = dropped ? host.pathForFile?.(dropped) : undefined;
    if (droppedPath) return onPath(droppedPath);
    const { files, folderName } = await filesFromDrop(e.dataTransfer);
    onFiles(files, folderName);
  };
  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
    >
      {dataset ? (
        <span>
          {label}: <strong>{dataset.name}</strong>, {dataset.fileCount} files ({dataset.imageCount} images)
          {dataset.classes.length > 1 ? `, ${dataset.classes.length} classes` : ''}
          {dataset.ignoredCount > 0 ? `, ${dataset.ignoredCount} other files ignored` : ''}
        </span>
      ) : (
        <span>{hint}, or </span>
      )}{' '}
      <button
        type="button"
        className="link"
        onClick={() => {
          if (!host.pickFolderPath) return input.current?.click();
          void host.pickFolderPath().then((p) => (p ? onPath(p) : undefined));
        }}
      >
        choose a folder…
      </button>
      <input
        ref={input}
        type="file"
        aria-label={label}
        hidden
        {...{ webkitdirectory: '', directory: '' }}
        multiple
        onChange={(e) => {
          if (!e.target.files) return;
          const { files, folderName } = filesFromInput(e.target.files);
          onFiles(files, folderName);
          e.target.value = '';
        }}
      />
      {upload && (
        <div role="progressbar" aria-label={`Uploading ${label.toLowerCase()}`} aria-valuemin={0} aria-valuemax={upload.total} aria-valuenow={upload.done}>
          Uploading {upload.done} / {upload.total}
        </div>
      )}
    </div>
  );
}
