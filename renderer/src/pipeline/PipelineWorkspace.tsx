import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { BackendInfo, DatasetInfo, QuantizeCatalog } from '../../../shared/api/dto.js';
import type { PipelineRunResult } from '../../../shared/pipeline/node-state.js';
import { download } from '../graph/export-image.js';
import { useApp } from '../store/store-context.js';
import { CompareTable } from './CompareTable.js';
import { Inspector } from './Inspector.js';
import { Palette } from './Palette.js';
import { PipelineCanvas } from './PipelineCanvas.js';
import { PipelineEditorContext } from './pipeline-editor-context.js';
import { autoLayout } from './pipeline-layout.js';
import type { PipelinesStore, PipelineTab } from './pipelines-store.js';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The editor of one pipeline: toolbar, palette, canvas, inspector; runs go to the engine. */
function Editor({ tab, pipelines }: { tab: PipelineTab; pipelines: PipelinesStore }) {
  const client = useApp((s) => s.client);
  const host = useApp((s) => s.host);
  const activate = useApp((s) => s.activate);
  const refreshModels = useApp((s) => s.refreshModels);
  const editor = tab.editor;
  const name = useStore(editor, (s) => s.name);
  const graph = useStore(editor, (s) => s.graph);
  const runs = useStore(editor, (s) => s.runs);
  const canUndo = useStore(editor, (s) => s.past.length > 0);
  const canRedo = useStore(editor, (s) => s.future.length > 0);
  const flow = useReactFlow();
  const [catalog, setCatalog] = useState<QuantizeCatalog>();
  const [backends, setBackends] = useState<BackendInfo[]>([]);
  const [compareOf, setCompareOf] = useState<string>();
  const running = tab.jobId !== undefined;

  useEffect(() => {
    void client.getQuantizeCatalog({}).then(setCatalog, () => undefined);
    void client.listBackends({}).then(setBackends, () => undefined);
  }, [client]);

  // Ctrl/Cmd+Z undoes graph edits, Shift+Ctrl/Cmd+Z or Ctrl+Y redoes; Ctrl+C/V copy and paste; Delete removes.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const s = editor.getState();
      const key = e.key.toLowerCase();
      if (key === 'delete' || key === 'backspace') {
        e.preventDefault();
        s.deleteSelection();
        return;
      }
      if (!(e.ctrlKey || e.metaKey)) return;
      if (key === 'z' && !e.shiftKey) s.undo();
      else if ((key === 'z' && e.shiftKey) || key === 'y') s.redo();
      else if (key === 'c') s.copy();
      else if (key === 'v') s.paste();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [editor]);

  const bindNode = useCallback(
    async (nodeId: string, ids: { docId?: string; datasetId?: string }, dataset?: DatasetInfo) => {
      await client.bindPipelineSource({ pipelineId: tab.pipelineId, nodeId, ...ids });
      const s = editor.getState();
      const node = s.graph.nodes.find((n) => n.id === nodeId);
      if (ids.docId) {
        const model = await client.getModel({ docId: ids.docId });
        s.bind(nodeId, { docId: ids.docId, inputs: model.summary.graph.inputs.map((i) => i.name) });
        if (node) s.setParams(nodeId, { ...node.params, name: model.fileName, ...(model.path ? { path: model.path } : {}) });
      } else if (dataset) {
        s.bind(nodeId, { dataset });
        if (node) s.setParams(nodeId, { ...node.params, name: dataset.name.split(/[\\/]/).pop() || dataset.name, files: dataset.fileCount, ...(host.kind === 'desktop' ? { path: dataset.name } : {}) });
      }
    },
    [client, editor, host.kind, tab.pipelineId],
  );

  const run = async (upTo?: string) => {
    pipelines.getState().patchTab(tab.pipelineId, { error: undefined });
    try {
      const writes = graph.nodes.some((n) => n.kind === 'save' || n.kind === 'export');
      let saveTo: { kind: 'path'; path: string } | { kind: 'download' } | undefined;
      if (writes && host.kind === 'desktop') {
        const path = await host.pickFolderPath?.();
        if (!path) return;
        saveTo = { kind: 'path', path };
      } else if (writes) saveTo = { kind: 'download' };
      await tab.synced();
      const { jobId } = await client.startRunPipeline({ pipelineId: tab.pipelineId, ...(upTo ? { upTo } : {}), ...(saveTo ? { saveTo } : {}) });
      pipelines.getState().patchTab(tab.pipelineId, { jobId });
      const job = await client.waitForJob(jobId);
      const result = job.result as PipelineRunResult | undefined;
      const view = await client.getPipeline({ pipelineId: tab.pipelineId });
      editor.getState().setRuns(view.nodes, true);
      pipelines.getState().patchTab(tab.pipelineId, {
        jobId: undefined,
        ...(result ? { lastRun: { ran: result.ran, cached: result.cached, failures: result.failures } } : {}),
        ...(job.status === 'failed' ? { error: job.error?.message ?? 'The run failed.' } : job.status === 'cancelled' ? { error: 'The run was cancelled.' } : {}),
      });
      await refreshModels();
    } catch (e) {
      pipelines.getState().patchTab(tab.pipelineId, { jobId: undefined, error: message(e) });
    }
  };

  const openResult = useCallback(
    (nodeId: string) => {
      const result = editor.getState().runs[nodeId]?.result;
      if (result?.compare) return setCompareOf(nodeId);
      if (!result?.docId) return;
      void refreshModels().then(() => {
        activate(result.docId!);
        pipelines.getState().show('models');
      });
    },
    [activate, editor, pipelines, refreshModels],
  );

  const save = () => {
    const file = { ...graph, name };
    download(new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' }), `${name.replace(/[^\w.-]+/g, '_') || 'pipeline'}.pipeline.json`);
  };

  const addAtCentre = (kind: string) => {
    const box = document.querySelector('[data-testid="pipeline-canvas"]')?.getBoundingClientRect();
    const at = box ? flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
    editor.getState().addNode(kind, at);
  };

  const compared = compareOf ? runs[compareOf]?.result : undefined;
  const counts = graph.nodes.reduce<Record<string, number>>((acc, n) => ((acc[runs[n.id]?.status ?? 'pending'] = (acc[runs[n.id]?.status ?? 'pending'] ?? 0) + 1), acc), {});

  return (
    <PipelineEditorContext.Provider value={editor}>
      <main className="pipeline-workspace" aria-label="Pipeline editor" data-pipeline-id={tab.pipelineId} data-running={running ? 'true' : 'false'} data-last-ran={tab.lastRun?.ran.join(' ') ?? ''}>
        <header className="toolbar">
          <input className="pipeline-name" aria-label="Pipeline name" value={name} onChange={(e) => editor.setState({ name: e.target.value })} />
          <button type="button" disabled={running || graph.nodes.length === 0} onClick={() => void run()}>
            Run all
          </button>
          <button type="button" disabled={!running} onClick={() => tab.jobId && void client.cancelJob({ jobId: tab.jobId }).catch((e: unknown) => pipelines.getState().patchTab(tab.pipelineId, { error: message(e) }))}>
            Cancel
          </button>
          <span className="muted" data-testid="pipeline-counts">
            {Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'empty'}
          </span>
          <span className="spacer" />
          <button type="button" disabled={!canUndo} title="Undo (Ctrl+Z)" onClick={() => editor.getState().undo()}>
            Undo
          </button>
          <button type="button" disabled={!canRedo} title="Redo (Shift+Ctrl+Z)" onClick={() => editor.getState().redo()}>
            Redo
          </button>
          <button
            type="button"
            onClick={() => {
              const at = autoLayout(graph);
              editor.getState().commit({ ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: at[n.id]! })) });
              void flow.fitView();
            }}
          >
            Auto layout
          </button>
          <button type="button" onClick={() => void flow.fitView()}>
            Zoom to fit
          </button>
          <button type="button" onClick={save}>
            Save pipeline
          </button>
        </header>
        {tab.lastRun && (
          <p className="pipeline-last-run" data-testid="last-run">
            Last run: {tab.lastRun.ran.length > 0 ? `ran ${tab.lastRun.ran.join(', ')}` : 'nothing to run'}
            {tab.lastRun.cached.length > 0 ? `; ${tab.lastRun.cached.length} from the cache` : ''}
            {tab.lastRun.failures.length > 0 ? `; ${tab.lastRun.failures.length} threshold${tab.lastRun.failures.length === 1 ? '' : 's'} broken` : ''}
          </p>
        )}
        {tab.error && (
          <p role="alert" className="message error">
            {tab.error}
          </p>
        )}
        <div className="pipeline-panes">
          <Palette onAdd={addAtCentre} />
          <PipelineCanvas onOpenResult={openResult} />
          <Inspector catalog={catalog} backends={backends} running={running} onRunUpTo={(id) => void run(id)} bindNode={bindNode} />
        </div>
        {compared?.compare && <CompareTable result={compared.compare} {...(compared.failures ? { failures: compared.failures } : {})} onClose={() => setCompareOf(undefined)} />}
      </main>
    </PipelineEditorContext.Provider>
  );
}

/** The pipelines' area: the open pipeline's editor, or a start screen with the templates. */
export default function PipelineWorkspace({ pipelines }: { pipelines: PipelinesStore }) {
  const view = useStore(pipelines, (s) => s.view);
  const tab = useStore(pipelines, (s) => s.tabs.find((t) => t.pipelineId === s.view));
  if (!tab) return <p className="muted">No pipeline {view} is open.</p>;
  return (
    <ReactFlowProvider key={tab.pipelineId}>
      <Editor tab={tab} pipelines={pipelines} />
    </ReactFlowProvider>
  );
}
