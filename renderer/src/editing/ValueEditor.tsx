import { useState } from 'react';
import type { GraphView } from '../../../shared/api/dto.js';
import { MAIN } from '../../../shared/graph/graph-path.js';
import { useGraph } from '../graph/graph-context.js';
import { useApp } from '../store/store-context.js';

/** Editing a tensor: rename it everywhere, or expose it as a graph output. */
export function ValueEditor({ name, view }: { name: string; view: GraphView }) {
  const edit = useApp((s) => s.edit);
  const select = useGraph((s) => s.select);
  const [to, setTo] = useState(name);
  const isOutput = view.outputs.some((o) => o.name === name);
  return (
    <section className="value-editor" aria-label="Edit tensor">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (to && to !== name) void edit('renameTensor', { graphPath: view.path, from: name, to }).then((ok) => ok && select({ kind: 'value', name: to }));
        }}
      >
        <input aria-label="Tensor name" value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit" disabled={!to || to === name}>
          Rename tensor
        </button>
      </form>
      {view.path === MAIN && (
        <button type="button" onClick={() => void edit(isOutput ? 'removeOutput' : 'exposeOutput', { name })}>
          {isOutput ? 'Remove from outputs' : 'Expose as output'}
        </button>
      )}
    </section>
  );
}
