import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo } from 'react';
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
import { useApp } from '../store/store-context.js';

/** One open model: toolbar, breadcrumb, the graph canvas and the Properties sidebar. */
export function Workspace({ model }: { model: ModelInfo }) {
  const client = useApp((s) => s.client);
  const save = useApp((s) => s.save);
  const close = useApp((s) => s.close);
  const busy = useApp((s) => s.task !== undefined);
  const store = useMemo(() => createGraphStore(client, model.docId), [client, model.docId]);
  useEffect(() => {
    void store.getState().openGraph(MAIN);
    return () => store.getState().dispose();
  }, [store]);
  useEffect(() => {
    document.title = `${model.fileName}${model.dirty ? ' •' : ''} — ONNX Studio`;
    return () => {
      document.title = 'ONNX Studio';
    };
  }, [model.fileName, model.dirty]);

  return (
    <GraphStoreContext.Provider value={store}>
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
            <button type="button" disabled={busy} onClick={() => void save()}>
              Save as…
            </button>
            <button type="button" disabled={busy} onClick={() => void close(model.docId)}>
              Close
            </button>
          </header>
          <div className="subbar">
            <Breadcrumb />
            <GraphToolbar fileName={model.fileName} />
          </div>
          <div className="panes">
            <GraphCanvas />
            <PropertiesPanel model={model} />
          </div>
        </main>
      </ReactFlowProvider>
    </GraphStoreContext.Provider>
  );
}
