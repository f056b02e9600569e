import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { PipelineRunResult, PipelineView } from '../../../shared/pipeline/node-state.js';
import type { Pipeline } from '../../../shared/pipeline/pipeline.js';
import { emptyPipeline } from '../../../shared/pipeline/pipeline-format.js';
import type { PipelineEditorStore } from './pipeline-editor-store.js';

/**
 * What a tab needs beyond the first screen (the editor store with its checks, the layout), loaded when
 * the first pipeline opens; the pipeline editor's own chunk holds the same modules.
 */
const loadEditing = () => Promise.all([import('./pipeline-editor-store.js'), import('./pipeline-layout.js')]).then(([editor, layout]) => ({ createPipelineEditorStore: editor.createPipelineEditorStore, autoLayout: layout.autoLayout }));
type Editing = Awaited<ReturnType<typeof loadEditing>>;

/** One open pipeline: the engine holds it (node states, result cache); the editor holds the undoable graph. */
export interface PipelineTab {
  pipelineId: string;
  editor: PipelineEditorStore;
  /** The run under way, if any. */
  jobId?: string;
  /** What the last run really ran, and what it took from the cache. */
  lastRun?: Pick<PipelineRunResult, 'ran' | 'cached' | 'failures'>;
  error?: string;
  /** Resolves once the engine has every edit made so far (a run must not start on an older graph). */
  synced(): Promise<void>;
  dispose(): void;
}

export interface PipelinesState {
  /** 'models' shows the model view; otherwise the pipeline of that id. */
  view: 'models' | string;
  tabs: PipelineTab[];
  error?: string;
  show(view: 'models' | string): void;
  /** Opens a pipeline (a new empty one, a template, a file's JSON) in a tab of its own and shows it. */
  open(pipeline?: unknown): Promise<PipelineTab | undefined>;
  close(pipelineId: string): Promise<void>;
  patchTab(pipelineId: string, patch: Partial<Omit<PipelineTab, 'pipelineId' | 'editor'>>): void;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The pipeline as the engine gets it from the editor: without `output`, which only says what
 * `onnx-studio run -o` writes (the file keeps it), and which browser mode's no-paths rule reads as a
 * file path (shared/api/remote-rule.ts lists `output` among the keys that name files).
 */
function forEngine(pipeline: Pipeline): Pipeline {
  const { output: _output, ...rest } = pipeline;
  return rest;
}

/** Nodes without a position (a version 1 recipe, a hand-written file) get one from the left-to-right layout. */
function placed(pipeline: Pipeline, autoLayout: Editing['autoLayout']): Pipeline {
  if (pipeline.nodes.every((n) => n.position)) return pipeline;
  const at = autoLayout(pipeline);
  return { ...pipeline, nodes: pipeline.nodes.map((n) => (n.position ? n : { ...n, position: at[n.id]! })) };
}

export function createPipelinesStore(client: EngineClient) {
  return createStore<PipelinesState>()((set, get) => {
    /** Keeps the engine's copy in step with the editor, and the editor's node states with the engine's. */
    function connect(view: PipelineView, output: string | undefined, { createPipelineEditorStore, autoLayout }: Editing): PipelineTab {
      const editor = createPipelineEditorStore(view.pipeline.name ?? 'Untitled pipeline', placed({ ...view.pipeline, ...(output ? { output } : {}) }, autoLayout));
      editor.getState().setRuns(view.nodes, true);
      const pipelineId = view.pipelineId;
      // Edits go to the engine one at a time, in order; a burst of edits sends only the newest.
      let latest: Pipeline | undefined;
      let chain: Promise<void> = Promise.resolve();
      const sendLatest = async () => {
        const pipeline = latest;
        latest = undefined;
        if (!pipeline) return;
        try {
          const next = await client.updatePipeline({ pipelineId, pipeline: forEngine(pipeline) });
          if (!latest) editor.getState().setRuns(next.nodes, true);
          get().patchTab(pipelineId, { error: undefined });
        } catch (e) {
          get().patchTab(pipelineId, { error: message(e) });
        }
      };
      const push = (pipeline: Pipeline) => {
        latest = pipeline;
        chain = chain.then(sendLatest);
      };
      const offEditor = editor.subscribe((s, prev) => {
        // During a drag this sends positions as they change; only the newest waiting one goes (see push).
        if (s.graph === prev.graph && s.name === prev.name) return;
        push({ ...s.graph, name: s.name });
      });
      const offEvents = client.on('pipeline.node', (e) => {
        if (e.pipelineId === pipelineId) editor.getState().setRuns({ [e.nodeId]: e.state });
      });
      return {
        pipelineId,
        editor,
        synced: () => chain,
        dispose: () => {
          offEditor();
          offEvents();
        },
      };
    }

    return {
      view: 'models',
      tabs: [],

      show: (view) => set({ view }),

      async open(pipeline) {
        try {
          const file = (pipeline ?? emptyPipeline(`Pipeline ${get().tabs.length + 1}`)) as Pipeline;
          const output = typeof file === 'object' && file !== null && typeof file.output === 'string' ? file.output : undefined;
          // A version 1 recipe's output is a step id; converted, the node keeps that id.
          const [view, editing] = await Promise.all([client.openPipeline({ pipeline: typeof file === 'object' && file !== null ? forEngine(file) : file }), loadEditing()]);
          const tab = connect(view, output !== undefined && view.pipeline.nodes.some((n) => n.id === output) ? output : view.pipeline.output, editing);
          set((s) => ({ tabs: [...s.tabs, tab], view: tab.pipelineId, error: undefined }));
          return tab;
        } catch (e) {
          set({ error: message(e) });
          return undefined;
        }
      },

      async close(pipelineId) {
        const tab = get().tabs.find((t) => t.pipelineId === pipelineId);
        if (!tab) return;
        tab.dispose();
        set((s) => ({ tabs: s.tabs.filter((t) => t !== tab), view: s.view === pipelineId ? 'models' : s.view }));
        await client.closePipeline({ pipelineId }).catch(() => undefined);
      },

      patchTab(pipelineId, patch) {
        set((s) => ({ tabs: s.tabs.map((t) => (t.pipelineId === pipelineId ? { ...t, ...patch } : t)) }));
      },
    };
  });
}

export type PipelinesStore = ReturnType<typeof createPipelinesStore>;
