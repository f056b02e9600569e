import { ReactFlowProvider } from '@xyflow/react';
import { lazy, Suspense, useEffect, useMemo } from 'react';
import type { ModelInfo } from '../../../shared/api/dto.js';
import { formatBytes } from '../../../shared/model/format.js';
import { MAIN } from '../../../shared/graph/graph-path.js';
import { Breadcrumb } from '../graph/Breadcrumb.js';
import { GraphCanvas } from '../graph/GraphCanvas.js';
import { GraphStoreContext } from '../graph/graph-context.js';
import { createGraphStore } from '../graph/graph-store.js';
import { GraphToolbar } from '../graph/GraphToolbar.js';
import { SearchBox } from '../graph/SearchBox.js';
import { PropertiesPanel } from '../panels/PropertiesPanel.js';
import { AnalysisStoreContext, useAnalysis } from '../analysis/analysis-context.js';
import { createAnalysisStore } from '../analysis/analysis-store.js';
import { ProfileStoreContext, useProfile } from '../profile/profile-context.js';
import { createProfileStore } from '../profile/profile-store.js';
import { QuantizeStoreContext, useQuantize } from '../quantize/quantize-context.js';
import { CompareStoreContext, useCompare } from '../compare/compare-context.js';
import { createCompareStore } from '../compare/compare-store.js';
import { createQuantizeStore } from '../quantize/quantize-store.js';
import { createExportStore } from '../export/export-store.js';
import { ExportStoreContext, useExport } from '../export/export-context.js';
import { DiffWith } from '../diff/DiffWith.js';
import { createTransformStore } from '../transform/transform-store.js';
import { TransformStoreContext } from '../transform/transform-context.js';

// Loaded when first opened: the chart library stays off the first screen.
const AnalysisPanel = lazy(() => import('../analysis/AnalysisPanel.js'));
const ProfilePanel = lazy(() => import('../profile/ProfilePanel.js'));
const QuantizePanel = lazy(() => import('../quantize/QuantizePanel.js'));
const ComparePanel = lazy(() => import('../compare/ComparePanel.js'));
const ExportPanel = lazy(() => import('../export/ExportPanel.js'));

/** The bottom area: the Analysis, Profile or Quantize panel, whichever is open. */
function BottomPanel({ model }: { model: ModelInfo }) {
  const analysisOpen = useAnalysis((s) => s.open);
  const profileOpen = useProfile((s) => s.open);
  const quantizeOpen = useQuantize((s) => s.open);
  const compareOpen = useCompare((s) => s.open);
  const exportOpen = useExport((s) => s.open);
  if (exportOpen) {
    return (
      <Suspense fallback={<section className="analysis" aria-label="Export" aria-busy="true" />}>
        <ExportPanel model={model} />
      </Suspense>
    );
  }
  if (compareOpen) {
    return (
      <Suspense fallback={<section className="analysis" aria-label="Compare" aria-busy="true" />}>
        <ComparePanel docId={model.docId} />
      </Suspense>
    );
  }
  if (quantizeOpen) {
    return (
      <Suspense fallback={<section className="analysis" aria-label="Quantize" aria-busy="true" />}>
        <QuantizePanel />
      </Suspense>
    );
  }
  if (analysisOpen) {
    return (
      <Suspense fallback={<section className="analysis" aria-label="Analysis" aria-busy="true" />}>
        <AnalysisPanel model={model} />
      </Suspense>
    );
  }
  if (profileOpen) {
    return (
      <Suspense fallback={<section className="analysis" aria-label="Profile" aria-busy="true" />}>
        <ProfilePanel fileName={model.fileName} inputs={model.summary.graph.inputs} />
      </Suspense>
    );
  }
  return null;
}
import { useApp } from '../store/store-context.js';
import { useShown } from './shown-context.js';

/** One open model: toolbar, breadcrumb, the graph canvas and the Properties sidebar. */
export function Workspace({ model }: { model: ModelInfo }) {
  const client = useApp((s) => s.client);
  const save = useApp((s) => s.save);
  const saveInPlace = useApp((s) => s.saveInPlace);
  const close = useApp((s) => s.close);
  const undo = useApp((s) => s.undo);
  const redo = useApp((s) => s.redo);
  const busy = useApp((s) => s.task !== undefined);
  const errors = model.problems.filter((p) => p.severity === 'error').length;
  const store = useMemo(() => createGraphStore(client, model.docId), [client, model.docId]);
  // A new analysis per document, not per ModelInfo update (a dirty flag must not reset the panel).
  const analysis = useMemo(() => createAnalysisStore(client, model, (heat) => store.setState({ heat })), [client, model.docId, store]);
  const profile = useMemo(() => createProfileStore(client, model.docId, (heat) => store.setState({ heat })), [client, model.docId, store]);
  const host = useApp((s) => s.host);
  const refreshModels = useApp((s) => s.refreshModels);
  const quantize = useMemo(() => createQuantizeStore(client, host, model.docId, refreshModels), [client, host, model.docId, refreshModels]);
  const exporter = useMemo(() => createExportStore(client, host, model.docId, model.fileName.replace(/\.onnx$/i, '').replace(/[^\w.-]/g, '_').slice(0, 100) || 'model'), [client, host, model.docId, model.fileName]);
  const compare = useMemo(() => createCompareStore(client, host, model.docId, (heat) => store.setState({ heat }), refreshModels), [client, host, model.docId, store, refreshModels]);
  const transform = useMemo(() => createTransformStore(client, model.docId, refreshModels, (marks) => store.setState({ marks })), [client, model.docId, refreshModels, store]);
  useEffect(() => transform.getState().modelChanged(model.version), [model.version, transform]);
  // The bottom panels share the space: opening one closes the others.
  useEffect(() => {
    // Each store only needs to be read and closed here, so they are seen through that narrow shape.
    type Panel = { subscribe(l: (s: { open: boolean }, prev: { open: boolean }) => void): () => void; getState(): { open: boolean }; setState(p: { open: boolean }): void };
    const panels = [analysis, profile, quantize, compare, exporter] as unknown as Panel[];
    const offs = panels.map((panel) =>
      panel.subscribe((s, prev) => {
        if (!s.open || prev.open) return;
        for (const other of panels) if (other !== panel && other.getState().open) other.setState({ open: false });
      }),
    );
    return () => offs.forEach((off) => off());
  }, [analysis, profile, quantize, compare, exporter]);
  // The store opens the main graph itself when it is created; it only needs closing here.
  useEffect(() => () => store.getState().dispose(), [store]);
  // An edit, undo or redo gives the model a new version: reload the graph and mark its problems.
  const firstVersion = useMemo(() => model.version, [model.docId]);
  useEffect(() => {
    if (model.version !== firstVersion) void store.getState().refresh();
  }, [model.version, firstVersion, store]);
  useEffect(() => {
    store.setState({ problems: new Map(model.problems.filter((p) => p.nodeName && p.graphPath === MAIN).map((p) => [p.nodeName!, p.message])) });
  }, [model.problems, store]);
  // Ctrl/Cmd+Z undoes, Shift+Ctrl/Cmd+Z (or Ctrl+Y) redoes; typing in a field keeps the field's own undo.
  const shown = useShown();
  useEffect(() => {
    if (!shown) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        void undo();
      } else if ((key === 'z' && e.shiftKey) || key === 'y') {
        e.preventDefault();
        void redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo, shown]);
  useEffect(() => {
    document.title = `${model.fileName}${model.dirty ? ' •' : ''} — ONNX Studio`;
    return () => {
      document.title = 'ONNX Studio';
    };
  }, [model.fileName, model.dirty]);

  return (
    <GraphStoreContext.Provider value={store}>
      <AnalysisStoreContext.Provider value={analysis}>
      <ProfileStoreContext.Provider value={profile}>
      <QuantizeStoreContext.Provider value={quantize}>
      <CompareStoreContext.Provider value={compare}>
      <ExportStoreContext.Provider value={exporter}>
      <TransformStoreContext.Provider value={transform}>
      <ReactFlowProvider>
        <main className="workspace" aria-label="Model" data-doc-id={model.docId}>
          <header className="toolbar">
            <h1 data-testid="model-title">
              {model.fileName}
              {model.dirty ? ' •' : ''}
            </h1>
            <span className="muted">{formatBytes(model.sizeBytes)}</span>
            <SearchBox />
            <span className="spacer" />
            <DiffWith model={model} />
            <button
              type="button"
              title="Simplify or convert the opset of the model (in the model's Properties)"
              onClick={() => {
                // The form lives in the model's Properties, which show when nothing is selected.
                store.getState().select(null);
                transform.getState().reveal();
              }}
            >
              Simplify / Convert
            </button>
            <button type="button" disabled={busy || !model.undoLabel} title={model.undoLabel ? `Undo ${model.undoLabel} (Ctrl+Z)` : 'Nothing to undo'} onClick={() => void undo()}>
              Undo
            </button>
            <button type="button" disabled={busy || !model.redoLabel} title={model.redoLabel ? `Redo ${model.redoLabel} (Shift+Ctrl+Z)` : 'Nothing to redo'} onClick={() => void redo()}>
              Redo
            </button>
            {model.path && (
              <button
                type="button"
                disabled={busy || !model.dirty}
                onClick={() => {
                  if (!window.confirm(`Overwrite ${model.fileName} with your edits?${errors > 0 ? ` It has ${errors} validation error${errors === 1 ? '' : 's'}.` : ''}`)) return;
                  void saveInPlace();
                }}
              >
                Save
              </button>
            )}
            <button
              type="button"
              disabled={busy}
              className={errors > 0 ? 'warning' : undefined}
              title={errors > 0 ? `The model has ${errors} validation error${errors === 1 ? '' : 's'}; saving keeps them` : undefined}
              onClick={() => {
                if (errors > 0 && !window.confirm(`The model has ${errors} validation error${errors === 1 ? '' : 's'} (see Properties). Save it anyway?`)) return;
                void save();
              }}
            >
              {errors > 0 ? 'Save as… ⚠' : 'Save as…'}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                if (model.dirty && !window.confirm(`${model.fileName} has unsaved changes. Close it and lose them?`)) return;
                void close(model.docId);
              }}
            >
              Close
            </button>
          </header>
          <div className="subbar">
            <Breadcrumb />
            <GraphToolbar fileName={model.fileName} />
          </div>
          <div className="panes">
            <div className="canvas-column">
              <GraphCanvas />
              <BottomPanel model={model} />
            </div>
            <PropertiesPanel model={model} />
          </div>
        </main>
      </ReactFlowProvider>
      </TransformStoreContext.Provider>
      </ExportStoreContext.Provider>
      </CompareStoreContext.Provider>
      </QuantizeStoreContext.Provider>
      </ProfileStoreContext.Provider>
      </AnalysisStoreContext.Provider>
    </GraphStoreContext.Provider>
  );
}
