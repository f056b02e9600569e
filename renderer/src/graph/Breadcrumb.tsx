import { useGraph } from './graph-context.js';

/** Where the canvas is: the main graph, or a subgraph/function under it, with the way back. */
export function Breadcrumb() {
  const view = useGraph((s) => s.view);
  const path = useGraph((s) => s.path);
  const openGraph = useGraph((s) => s.openGraph);
  if (!view) return null;
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      {view.trail.map((step, i) =>
        step.path === path ? (
          <span key={step.path} aria-current="page">
            {step.label}
          </span>
        ) : (
          <span key={step.path}>
            <button type="button" className="link" onClick={() => void openGraph(step.path)}>
              {step.label}
            </button>
            {i < view.trail.length - 1 && ' › '}
          </span>
        ),
      )}
      {view.functions.length > 0 && (
        <select aria-label="Local functions" value="" onChange={(e) => e.target.value && void openGraph(e.target.value)}>
          <option value="">Functions…</option>
          {view.functions.map((f) => (
            <option key={f.path} value={f.path}>
              {f.label}
            </option>
          ))}
        </select>
      )}
    </nav>
  );
}
