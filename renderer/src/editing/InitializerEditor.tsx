import { useState } from 'react';
import type { GraphView } from '../../../shared/api/dto.js';
import { useApp } from '../store/store-context.js';

const EDITABLE_VALUES = 64;
const TYPES: Record<string, 1 | 6 | 7> = { float32: 1, int32: 6, int64: 7 };

/** Replacing an initializer: its values typed in (small float32/int32/int64 tensors) or a .npy file. */
export function InitializerEditor({ name, view, first }: { name: string; view: GraphView; first?: number[] }) {
  const edit = useApp((s) => s.edit);
  const host = useApp((s) => s.host);
  const info = view.values[name];
  const init = view.initializers.find((i) => i.name === name);
  const dims = (info?.shape ?? []).map((d) => (typeof d === 'number' ? d : 0));
  const count = dims.reduce((a, b) => a * b, 1);
  const dataType = info ? TYPES[info.type] : undefined;
  const [text, setText] = useState(first && first.length === count ? first.join(', ') : '');
  if (!init) return null;
  const replaceFromFile = async (file: File) => {
    const path = host.pathForFile?.(file);
    if (path) return void edit('replaceInitializer', { graphPath: view.path, name, dataType: 1, dims: [], file: { kind: 'path', path } });
    if (!host.upload) return;
    const blobId = await host.upload(file);
    await edit('replaceInitializer', { graphPath: view.path, name, dataType: 1, dims: [], file: { kind: 'blob', blobId } });
  };
  return (
    <section className="initializer-editor" aria-label="Replace values">
      {dataType && count <= EDITABLE_VALUES && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const values = text.split(/[\s,]+/).filter(Boolean).map(Number);
            void edit('replaceInitializer', { graphPath: view.path, name, dataType, dims, values });
          }}
        >
          <textarea aria-label="Tensor values" value={text} onChange={(e) => setText(e.target.value)} rows={3} />
          <button type="submit">Replace values</button>
        </form>
      )}
      <label className="file-button">
        Replace from .npy…
        <input
          type="file"
          accept=".npy"
          aria-label="Replace from .npy file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void replaceFromFile(f);
            e.target.value = '';
          }}
        />
      </label>
    </section>
  );
}
