import { lazy, Suspense, useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { DiffStoreContext } from '../diff/diff-context.js';
import { createDiffStore } from '../diff/diff-store.js';
import { DiffView } from '../diff/DiffView.js';
import { firstGraphPainted } from '../graph/first-paint.js';
import { PipelinesContext } from '../pipeline/pipelines-context.js';
import { ShownContext } from './shown-context.js';
import { createPipelinesStore } from '../pipeline/pipelines-store.js';
import { PipelineTabs } from '../pipeline/PipelineTabs.js';
import { useApp } from '../store/store-context.js';
import { Messages } from './Messages.js';
import { Workspace } from './Workspace.js';
import { TaskProgress } from './TaskProgress.js';
import { Welcome } from './Welcome.js';
import { DocumentTabs } from './DocumentTabs.js';

// The pipeline editor loads after the first screen (not with it), before anyone opens a pipeline.
const loadPipelineWorkspace = () => import('../pipeline/PipelineWorkspace.js');
const PipelineWorkspace = lazy(loadPipelineWorkspace);

export function App({ desktop }: { desktop: boolean }) {
  const client = useApp((s) => s.client);
  const pipelines = useMemo(() => createPipelinesStore(client), [client]);
  const view = useStore(pipelines, (s) => s.view);
  const boot = useApp((s) => s.boot);
  const ready = useApp((s) => s.ready);
  const model = useApp((s) => s.models.find((m) => m.docId === s.activeDocId));
  const openFile = useApp((s) => s.openFile);
  const diff = useMemo(() => createDiffStore(client), [client]);
  const diffOpen = useStore(diff, (s) => s.sides !== undefined);
  useEffect(() => {
    void boot();
  }, [boot]);
  // With a model open, not before its graph is on screen: the first screen does not wait for this code.
  const modelOpen = model !== undefined;
  useEffect(() => {
    if (ready) void (modelOpen ? firstGraphPainted : Promise.resolve()).then(loadPipelineWorkspace);
  }, [ready, modelOpen]);
  // Leaving the page with unsaved edits asks first (the browser shows its own wording).
  const anyDirty = useApp((s) => s.models.some((m) => m.dirty && m.undoLabel !== undefined));
  useEffect(() => {
    if (!anyDirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [anyDirty]);
  // A model dropped anywhere on the window opens (the welcome drop zone handles its own drops).
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      if (e.defaultPrevented) return;
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) void openFile(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [openFile]);
  return (
    <DiffStoreContext.Provider value={diff}>
      <div className="app" data-ready={ready ? 'true' : 'false'}>
        <TaskProgress />
        <Messages />
        <PipelinesContext.Provider value={pipelines}>
          {ready && !diffOpen && <PipelineTabs pipelines={pipelines} />}
          {ready && !diffOpen && view === 'models' && <DocumentTabs />}
          {ready && diffOpen && <DiffView />}
          {/* Hidden, not unmounted, while a pipeline or the diff is shown: a Simplify report or a half-typed form survives the visit. */}
          {ready && (model ? (
            <div className="workspace-holder" hidden={diffOpen || view !== 'models'}>
              <ShownContext.Provider value={!diffOpen && view === 'models'}>
                <Workspace key={model.docId} model={model} />
              </ShownContext.Provider>
            </div>
          ) : (
            !diffOpen && view === 'models' && <Welcome desktop={desktop} />
          ))}
          {ready && !diffOpen && view !== 'models' && (
            <Suspense fallback={<main className="pipeline-workspace" aria-label="Pipeline editor" aria-busy="true" />}>
              <PipelineWorkspace pipelines={pipelines} />
            </Suspense>
          )}
        </PipelinesContext.Provider>
      </div>
    </DiffStoreContext.Provider>
  );
}
