import { useState } from 'react';
import type { ValueSummary } from '../../../shared/model/summary.js';
import { useApp } from '../store/store-context.js';

function dimsText(v: ValueSummary): string {
  return (v.shape ?? []).map((d) => (d === null ? '?' : String(d))).join(' x ');
}

/**
 * The dims of a graph input or output, editable: a number, or a symbol such as batch. Making an input's
 * first axis a symbol also rewrites (or refuses, naming them) the constants that fixed its old size.
 */
export function DimsEditor({ value }: { value: ValueSummary }) {
  const edit = useApp((s) => s.edit);
  const [text, setText] = useState(dimsText(value));
  const [error, setError] = useState<string | undefined>();
  const apply = async () => {
    const parts = text.split(/\s*[x×,]\s*|\s+/).filter(Boolean);
    const old = value.shape ?? [];
    if (parts.length !== old.length) return setError(`'${value.name}' has ${old.length} dimensions; give ${old.length}.`);
    const bad = parts.find((p) => !/^(\d+|[A-Za-z_]\w*)$/.test(p) || p === '0');
    if (bad) return setError(`'${bad}' is neither a positive number nor a name such as batch.`);
    setError(undefined);
    for (const [axis, p] of parts.entries()) {
      const v = /^\d+$/.test(p) ? Number(p) : p;
      if (v === old[axis]) continue;
      if (!(await edit('setDim', { tensor: value.name, axis, value: v }))) return;
    }
  };
  return (
    <form
      className="dims-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      <input aria-label={`Set dims of ${value.name}`} value={text} onChange={(e) => setText(e.target.value)} size={18} />
      <button type="submit" disabled={text === dimsText(value)}>
        Set
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}
