import { useContext, useRef } from 'react';
import type { ModelInfo } from '../../../shared/api/dto.js';
import { StoreContext, useApp } from '../store/store-context.js';
import { useDiffStore } from './diff-context.js';

const ANOTHER_FILE = '\u0000file';

/** "Diff with…": compares the open model (A) with another open tab or a second file (B). */
export function DiffWith({ model }: { model: ModelInfo }) {
  const models = useApp((s) => s.models);
  const openFile = useApp((s) => s.openFile);
  const busy = useApp((s) => s.task !== undefined);
  const app = useContext(StoreContext);
  const diff = useDiffStore();
  const input = useRef<HTMLInputElement>(null);
  const start = (other: ModelInfo) => void diff.getState().open({ a: { docId: model.docId, fileName: model.fileName }, b: { docId: other.docId, fileName: other.fileName } });

  const openSecondFile = async (file: File) => {
    if (!app) return;
    const before = new Set(app.getState().models.map((m) => m.docId));
    await openFile(file);
    const opened = app.getState().models.find((m) => !before.has(m.docId));
    if (!opened) return; // the app already said why the file did not open
    // Opening made the second file the active tab; the diff reads from the model it was asked on.
    app.getState().activate(model.docId);
    start(opened);
  };

  return (
    <>
      <select
        aria-label="Diff with…"
        value=""
        disabled={busy}
        title="Compare this model with another: nodes added, removed, changed or quantized, on one graph"
        onChange={(e) => {
          const value = e.target.value;
          if (value === ANOTHER_FILE) return input.current?.click();
          const other = models.find((m) => m.docId === value);
          if (other) start(other);
        }}
      >
        <option value="">Diff with…</option>
        {models
          .filter((m) => m.docId !== model.docId)
          .map((m) => (
            <option key={m.docId} value={m.docId}>
              {m.fileName}
            </option>
          ))}
        <option value={ANOTHER_FILE}>Another file…</option>
      </select>
      <input
        ref={input}
        type="file"
        accept=".onnx"
        hidden
        aria-label="Second model file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void openSecondFile(file);
        }}
      />
    </>
  );
}
