import { useApp } from '../store/store-context.js';

/** One tab per open model, shown once there is more than one (a quantized result opens next to its original). */
export function DocumentTabs() {
  const models = useApp((s) => s.models);
  const active = useApp((s) => s.activeDocId);
  const activate = useApp((s) => s.activate);
  if (models.length < 2) return null;
  return (
    <nav className="doc-tabs" role="tablist" aria-label="Open models">
      {models.map((m) => (
        <button key={m.docId} type="button" role="tab" aria-selected={m.docId === active} onClick={() => activate(m.docId)}>
          {m.fileName}
          {m.dirty ? ' •' : ''}
        </button>
      ))}
    </nav>
  );
}
