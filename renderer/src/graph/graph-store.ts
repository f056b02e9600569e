import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { GraphView, InferredShapes } from '../../../shared/api/dto.js';
import { MAIN, type GraphPath } from '../../../shared/graph/graph-path.js';
import { LayoutClient } from './layout-client.js';
import type { Direction, LayoutResult } from './layout-protocol.js';
import { ancestorsOf, buildScopeTree, initialExpansion, type ScopeTree } from './scope-tree.js';
import { takeGraphView } from './view-prefetch.js';
import { computeVisibleGraph, opId, shownNodeOf, type ViewOptions, type VisibleGraph } from './visible-graph.js';

export type Selection =
  | { kind: 'node'; index: number }
  | { kind: 'value'; name: string }
  | { kind: 'group'; id: string };

export interface GraphState {
  docId: string;
  path: GraphPath;
  view?: GraphView;
  tree?: ScopeTree;
  expanded: ReadonlySet<string>;
  /** wheel: what the mouse wheel does on the canvas (Netron's Mouse Wheel: Zoom / Scroll); it needs no new layout. */
  options: ViewOptions & { direction: Direction; wheel?: 'zoom' | 'scroll'; showShapes: boolean };
  /** Shapes the engine inferred for the values of `view`, loaded after the first screen is painted. */
  inferred?: { view: GraphView; values: InferredShapes['values'] };
  /** Where the inferred shapes are: tests and the canvas's data-shapes attribute wait on 'loaded'. */
  shapesStatus: 'off' | 'pending' | 'loaded' | 'failed';
  /** The visible graph being laid out (may be ahead of what is shown). */
  visible?: VisibleGraph;
  /** What the canvas shows: a visible graph together with its layout, replaced as one. */
  shown?: { visible: VisibleGraph; layout: LayoutResult; view: GraphView; tree: ScopeTree };
  /** 'ready' once the current graph is laid out; the canvas exposes data-node-count only then. */
  status: 'loading' | 'layout' | 'ready' | 'error';
  error?: string;
  selection: Selection | null;
  /** An item to bring into view once the next layout lands (search results, keyboard moves). */
  focus?: string;
  /** Heat per node index of the main graph (0..1), from the Analysis or Profile panel; undefined = off. */
  heat?: ReadonlyMap<number, number>;
  /** The Diff view's mark per node index of its merged graph (status, annotation); undefined elsewhere. */
  diffMarks?: ReadonlyMap<number, { status: string; note?: string }>;
  /** Validation problems of the shown graph by node name (the first message), marked on the nodes. */
  problems: ReadonlyMap<string, string>;
  /** Nodes of the main graph the last Simplify or Convert added or changed, by node name; undefined = none. */
  marks?: ReadonlyMap<string, 'added' | 'changed'>;
  openGraph(path: GraphPath): Promise<void>;
  /** Reloads the current graph after an edit, keeping open groups and the selection where they still exist. */
  refresh(): Promise<void>;
  toggleGroup(groupId: string): Promise<void>;
  setOption<K extends keyof GraphState['options']>(key: K, value: GraphState['options'][K]): Promise<void>;
  select(selection: Selection | null): void;
  /** Asks the engine for the inferred shapes of the current view. */
  loadShapes(): Promise<void>;
  /** Starts what waits for a painted screen, so it never delays one: the inferred shapes, the worker's warm-up. */
  painted(): void;
  /** Opens the groups around a node, selects it and brings it into view. */
  reveal(nodeIndex: number): Promise<void>;
  dispose(): void;
}

/**
 * The graph view of one open document: which graph, what is expanded, the layout and the selection.
 * It starts opening the main graph at once, so loading and layout overlap the first render of the workspace.
 */
export function createGraphStore(client: EngineClient, docId: string) {
  const early = prepared.get(docId);
  if (early?.client === client) {
    prepared.delete(docId);
    return early.store;
  }
  const store = createDocumentGraphStore(client, docId, false);
  void store.getState().openGraph(MAIN);
  return store;
}

/** Graph stores made at boot, before React renders, each taken by the first createGraphStore for its document. */
const prepared = new Map<string, { client: EngineClient; store: ReturnType<typeof createDocumentGraphStore> }>();

/**
 * Makes the graph store of the document the workspace will show first, as soon as the documents are
 * known: its graph is loaded and handed to the layout worker before React's first render, so that
 * render and the layout run at the same time.
 */
export function prepareGraphStore(client: EngineClient, docId: string): void {
  if (prepared.has(docId)) return;
  const store = createDocumentGraphStore(client, docId, true);
  prepared.set(docId, { client, store });
  void store.getState().openGraph(MAIN);
}

/** `beforeFirstRender`: the first layout waits for the worker even for a small graph, as the UI thread is about to be busy rendering. */
function createDocumentGraphStore(client: EngineClient, docId: string, beforeFirstRender: boolean) {
  const layouts = new LayoutClient();
  layouts.warmUp();
  let inWorker = beforeFirstRender;
  return createStore<GraphState>()((set, get) => {
    async function relayout(focus?: string): Promise<void> {
      const { view, tree, expanded, options } = get();
      if (!view || !tree) return;
      const visible = computeVisibleGraph(view, tree, expanded, options);
      performance.mark('graph:visible-computed');
      set({ visible, status: 'layout', ...(focus ? { focus } : {}) });
      const sizes: Record<string, { width: number; height: number }> = {};
      for (const item of visible.items.values()) if (item.kind !== 'frame') sizes[item.id] = { width: item.width, height: item.height };
      const layout = await layouts.layout({ direction: options.direction, sizes, containers: visible.containers }, inWorker);
      inWorker = false;
      performance.mark('graph:layout-done', { detail: layout ? { dagreRuns: layout.computed, workerMs: layout.ms } : undefined });
      // The view and tree the visible graph came from travel with it: after an edit the store's view
      // is replaced before the new layout lands, and node indices of the two views differ.
      if (layout && get().visible === visible) set({ shown: { visible, layout, view, tree }, status: 'ready' });
    }

    return {
      docId,
      path: MAIN,
      expanded: new Set(),
      options: { direction: 'TB', showInitializers: false, showAttributes: false, showNames: false, wheel: 'zoom', showShapes: true },
      shapesStatus: 'pending',
      status: 'loading',
      selection: null,
      problems: new Map(),

      async openGraph(path) {
        set({ path, status: 'loading', selection: null, view: undefined, visible: undefined, shown: undefined, error: undefined, shapesStatus: get().options.showShapes ? 'pending' : 'off' });
        try {
          const view = await takeGraphView(client, docId, path);
          performance.mark('graph:view-loaded');
          if (get().path !== path) return;
          const tree = buildScopeTree(view);
          performance.mark('graph:tree-built');
          set({ view, tree, expanded: initialExpansion(tree) });
          await relayout();
        } catch (e) {
          set({ status: 'error', error: e instanceof Error ? e.message : String(e) });
        }
      },

      async refresh() {
        const { path, expanded, selection, view: oldView } = get();
        let view: GraphView;
        try {
          view = await client.getGraphView({ docId, graphPath: path });
        } catch {
          // The subgraph shown may be gone (its node was deleted): fall back to the main graph.
          await get().openGraph(MAIN);
          return;
        }
        const tree = buildScopeTree(view);
        const groups = new Set(tree.groups.keys());
        const keep = [...expanded].filter((g) => groups.has(g));
        const stillThere =
          !selection ||
          (selection.kind === 'node' && view.nodes[selection.index] !== undefined && view.nodes[selection.index]!.name === oldView?.nodes[selection.index]?.name) ||
          (selection.kind === 'value' && view.values[selection.name] !== undefined) ||
          (selection.kind === 'group' && groups.has(selection.id));
        set({ view, tree, expanded: new Set(keep.length > 0 ? keep : initialExpansion(tree)), selection: stillThere ? selection : null, shapesStatus: get().options.showShapes ? 'pending' : 'off' });
        await relayout();
      },

      async toggleGroup(groupId) {
        performance.mark('graph:toggle');
        const expanded = new Set(get().expanded);
        if (expanded.has(groupId)) expanded.delete(groupId);
        else expanded.add(groupId);
        set({ expanded });
        await relayout(`g:${groupId}`);
      },

      async setOption(key, value) {
        set({ options: { ...get().options, [key]: value } });
        // Edge labels take no room in the layout: toggling them only redraws.
        if (key === 'showShapes') return value ? get().loadShapes() : set({ shapesStatus: 'off' });
        if (key !== 'wheel') await relayout();
      },

      painted() {
        layouts.warmUpCode();
        void get().loadShapes();
      },

      async loadShapes() {
        const { view, options, inferred } = get();
        if (!view || !options.showShapes) return;
        if (inferred?.view === view) return set({ shapesStatus: 'loaded' });
        set({ shapesStatus: 'pending' });
        performance.mark('graph:shapes-requested');
        try {
          const shapes = await client.getInferredShapes({ docId, graphPath: view.path });
          performance.mark('graph:shapes-loaded');
          if (get().view !== view) return;
          set({ inferred: { view, values: shapes.values }, shapesStatus: get().options.showShapes ? 'loaded' : 'off' });
        } catch {
          // The labels fall back to the shapes the file declares; the graph itself is unaffected.
          if (get().view === view) set({ shapesStatus: 'failed' });
        }
      },

      select(selection) {
        set({ selection });
      },

      async reveal(nodeIndex) {
        const { tree } = get();
        if (!tree) return;
        const needed = ancestorsOf(tree, nodeIndex).filter((g) => !get().expanded.has(g));
        set({ selection: { kind: 'node', index: nodeIndex } });
        // A weight folded into its consumer is brought into view through that consumer.
        const shownAs = () => {
          const { view, visible } = get();
          return opId(view && visible ? shownNodeOf(view, visible.folded, nodeIndex) : nodeIndex);
        };
        if (needed.length === 0) {
          set({ focus: shownAs() });
          return;
        }
        set({ expanded: new Set([...get().expanded, ...needed]) });
        await relayout(shownAs());
      },

      dispose() {
        layouts.dispose();
      },
    };
  });
}

export type GraphStore = ReturnType<typeof createGraphStore>;
