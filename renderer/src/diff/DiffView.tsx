import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import type { DiffView as DiffResult } from '../../../shared/diff/diff-view.js';
import { MAIN } from '../../../shared/graph/graph-path.js';
import { GraphCanvas } from '../graph/GraphCanvas.js';
import { GraphStoreContext } from '../graph/graph-context.js';
import { createGraphStore } from '../graph/graph-store.js';
import { useApp } from '../store/store-context.js';
import { changeEntries, quantizedNote, stepEntry } from './change-list.js';
import { ChangeDetails } from './ChangeDetails.js';
import { useDiff } from './diff-context.js';

/** More rows than anyone reads, and enough to make the panel slow on a 25,000-node graph. */
const MAX_LISTED = 2000;

/** The merged graph with its marks, the Changes list to step through and the selected node's details. */
function DiffBody({ result }: { result: DiffResult }) {
  const client = useApp((s) => s.client);
  const changesOnly = useDiff((s) => s.changesOnly);
  const setChangesOnly = useDiff((s) => s.setChangesOnly);
  // The canvas reads its graph through the store's client: here that graph is the merged one.
  const store = useMemo(() => {
    const getGraphView = async ({ graphPath }: { graphPath: string }) => {
      if (graphPath !== MAIN) throw new Error('The Diff view shows the main graph only; open either model on its own to see its subgraphs.');
      return result.view;
    };
    return createGraphStore({ ...client, getGraphView }, 'diff');
  }, [client, result]);
  useEffect(() => {
    const marks = new Map(result.marks.map((m, i) => [i, { status: m.status, ...(m.quantized ? { note: quantizedNote(m.quantized) } : {}) }]));
    store.setState({ diffMarks: marks });
    void store.getState().openGraph(MAIN);
    return () => store.getState().dispose();
  }, [store, result]);
  const selection = useStore(store, (s) => s.selection);
  const selected = selection?.kind === 'node' ? selection.index : undefined;
  const entries = useMemo(() => changeEntries(result, changesOnly), [result, changesOnly]);
  const changes = useMemo(() => (changesOnly ? entries.length : result.marks.filter((m) => m.status !== 'same').length), [entries, changesOnly, result]);
  const go = (step: 1 | -1) => {
    const next = stepEntry(entries, selected, step);
    if (next) void store.getState().reveal(next.nodeIndex);
  };
  const mark = selected !== undefined ? result.marks[selected] : undefined;

  return (
    <GraphStoreContext.Provider value={store}>
      <ReactFlowProvider>
        <div className="panes">
          <div className={`canvas-column diff-canvas${changesOnly ? ' changes-only' : ''}`}>
            <GraphCanvas />
          </div>
          <aside className="diff-side" aria-label="Diff">
            <p className="diff-summary" data-testid="diff-summary">
              {result.diff.summary}
            </p>
            <div className="diff-controls">
              <button type="button" disabled={entries.length === 0} onClick={() => go(-1)}>
                Previous change
              </button>
              <button type="button" disabled={entries.length === 0} onClick={() => go(1)}>
                Next change
              </button>
              <label>
                <input type="checkbox" checked={changesOnly} onChange={(e) => setChangesOnly(e.target.checked)} /> Changes only
              </label>
            </div>
            <p className="muted">{changes === 0 ? 'No changes: the two models have the same graph.' : `${changes} change${changes === 1 ? '' : 's'}`}</p>
            <ol className="diff-list" aria-label="Changes">
              {entries.slice(0, MAX_LISTED).map((e) => (
                <li key={e.nodeIndex}>
                  <button
                    type="button"
                    data-change-status={e.status}
                    data-node-index={e.nodeIndex}
                    aria-current={e.nodeIndex === selected ? 'true' : undefined}
                    onClick={() => void store.getState().reveal(e.nodeIndex)}
                  >
                    <span className={`diff-badge diff-${e.status}`}>{e.status}</span> {e.opType} <span className="muted">{e.name}</span>
                    {e.note && <span className="diff-list-note">{e.note}</span>}
                  </button>
                </li>
              ))}
            </ol>
            {entries.length > MAX_LISTED && <p className="muted">The first {MAX_LISTED.toLocaleString('en-US')} of {entries.length.toLocaleString('en-US')} are listed; Next and Previous step through all of them.</p>}
            {mark && <ChangeDetails mark={mark} name={result.view.nodes[selected!]?.name ?? ''} />}
          </aside>
        </div>
      </ReactFlowProvider>
    </GraphStoreContext.Provider>
  );
}

/** The Diff view: model A against model B on one merged graph. */
export function DiffView() {
  const sides = useDiff((s) => s.sides);
  const status = useDiff((s) => s.status);
  const result = useDiff((s) => s.result);
  const error = useDiff((s) => s.error);
  const close = useDiff((s) => s.close);
  if (!sides) return null;
  return (
    <main className="workspace diff-view" aria-label="Model diff" data-status={status}>
      <header className="toolbar">
        <h1>
          Diff: {sides.a.fileName} → {sides.b.fileName}
        </h1>
        <span className="legend">
          {(['added', 'removed', 'changed', 'quantized'] as const).map((s) => (
            <span key={s} className={`diff-badge diff-${s}`}>
              {s}
            </span>
          ))}
        </span>
        <span className="spacer" />
        <button type="button" onClick={close}>
          Close diff
        </button>
      </header>
      {status === 'loading' && (
        <p role="status" className="diff-message">
          Comparing {sides.a.fileName} with {sides.b.fileName}…
        </p>
      )}
      {status === 'error' && (
        <p role="alert" className="diff-message">
          {error}
        </p>
      )}
      {result && <DiffBody key={`${sides.a.docId}|${sides.b.docId}`} result={result} />}
    </main>
  );
}
