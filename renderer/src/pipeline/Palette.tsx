import { NODE_KIND_NAMES, NODE_KINDS, type NodeCategory } from '../../../shared/pipeline/node-kinds.js';
import { PALETTE_MIME } from './PipelineCanvas.js';

const CATEGORIES: { id: NodeCategory; label: string }[] = [
  { id: 'source', label: 'Sources' },
  { id: 'transform', label: 'Transforms' },
  { id: 'check', label: 'Checks' },
  { id: 'output', label: 'Outputs' },
];

/** The node kinds by category, dragged onto the canvas (or double-clicked to add at the centre). */
export function Palette({ onAdd }: { onAdd(kind: string): void }) {
  return (
    <nav className="pipeline-palette" aria-label="Node palette">
      {CATEGORIES.map((c) => (
        <section key={c.id}>
          <h3>{c.label}</h3>
          {NODE_KIND_NAMES.filter((k) => NODE_KINDS[k].category === c.id).map((k) => (
            <div
              key={k}
              className={`pipeline-palette-item category-${c.id}`}
              data-palette-kind={k}
              draggable
              role="button"
              tabIndex={0}
              title="Drag onto the canvas, or double-click to add"
              onDragStart={(e) => {
                e.dataTransfer.setData(PALETTE_MIME, k);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onDoubleClick={() => onAdd(k)}
              onKeyDown={(e) => e.key === 'Enter' && onAdd(k)}
            >
              {NODE_KINDS[k].label}
            </div>
          ))}
        </section>
      ))}
    </nav>
  );
}
