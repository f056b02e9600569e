import { useEffect, useMemo, useRef, useState } from 'react';
import { useGraph } from './graph-context.js';
import { ALL_KINDS, searchGraph, type SearchHit, type SearchScope } from './search.js';
import { useShown } from '../components/shown-context.js';

/** Search nodes and tensors (Ctrl/Cmd+F); picking a result opens its groups and selects it. */
export function SearchBox() {
  const view = useGraph((s) => s.view);
  const reveal = useGraph((s) => s.reveal);
  const select = useGraph((s) => s.select);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [scope, setScope] = useState<SearchScope>(ALL_KINDS);
  const input = useRef<HTMLInputElement>(null);
  const hits = useMemo(() => (view ? searchGraph(view, query, scope) : []), [view, query, scope]);

  const shown = useShown();
  useEffect(() => {
    if (!shown) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shown]);

  const pick = (hit: SearchHit) => {
    setOpen(false);
    if (hit.kind === 'node') void reveal(hit.index);
    else {
      const producer = view?.nodes.find((n) => n.outputs.includes(hit.name));
      if (producer) void reveal(producer.index).then(() => select({ kind: 'value', name: hit.name }));
      else select({ kind: 'value', name: hit.name });
    }
  };

  return (
    <div className="search">
      <input
        ref={input}
        type="search"
        aria-label="Search"
        placeholder="Search nodes, tensors, shapes; 'quoted' = exact (Ctrl+F)"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hits[0]) pick(hits[0]);
          if (e.key === 'Escape') setOpen(false);
        }}
      />
      <span className="search-scope" role="group" aria-label="Search in">
        {(['nodes', 'connections', 'weights'] as const).map((kind) => (
          <label key={kind} title={`${scope[kind] ? 'Hide' : 'Show'} ${kind} in the results`}>
            <input
              type="checkbox"
              aria-label={`Find ${kind}`}
              checked={scope[kind]}
              onChange={(e) => {
                setScope({ ...scope, [kind]: e.target.checked });
                setOpen(true);
              }}
            />
            {kind[0]!.toUpperCase() + kind.slice(1)}
          </label>
        ))}
      </span>
      {open && query && (
        <ul className="search-results" role="listbox" aria-label="Search results">
          {hits.length === 0 && <li className="muted">No match</li>}
          {hits.map((h) => (
            <li key={h.kind === 'node' ? `n${h.index}` : `v${h.name}`} data-hit-kind={h.kind === 'node' ? 'node' : h.weight ? 'weight' : 'connection'} role="option" aria-selected={false} onClick={() => pick(h)}>
              <span>{h.label}</span> <span className="muted">{h.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
