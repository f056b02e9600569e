import { createStore } from 'zustand/vanilla';
import type { DatasetInfo } from '../../../shared/api/dto.js';
import { isNodeKind, type NodeKind } from '../../../shared/pipeline/node-kinds.js';
import type { NodeState } from '../../../shared/pipeline/node-state.js';
import type { Pipeline, PipelineEdge, PipelineNode } from '../../../shared/pipeline/pipeline.js';
import { canConnect } from '../../../shared/pipeline/validate-pipeline.js';

type PipelineGraph = Pipeline;

export interface SourceBinding {
  docId?: string;
  /** The bound model's graph inputs (the Set dims form offers them). */
  inputs?: string[];
  dataset?: DatasetInfo;
}

/** The undoable part: the graph. Selection, statuses and the viewport are not. */
const HISTORY_LIMIT = 200;

export interface PipelineEditorState {
  name: string;
  graph: PipelineGraph;
  selected: string[];
  selectedEdges: string[];
  /** Each node's state as the engine last reported it. */
  runs: Record<string, NodeState>;
  /** The last refused connection or edit, shown where the user dropped it. */
  refusal?: { message: string; x: number; y: number };
  /** What each source node is bound to in this session (an open model, an opened folder). */
  bindings: Record<string, SourceBinding>;
  bind(nodeId: string, binding: SourceBinding): void;
  past: PipelineGraph[];
  future: PipelineGraph[];
  clipboard?: { nodes: PipelineNode[]; edges: PipelineEdge[] };
  /** Replaces the graph as one undoable step; nodes whose inputs or params changed go stale. */
  commit(next: PipelineGraph): void;
  addNode(kind: string, position: { x: number; y: number }): string | undefined;
  connect(edge: PipelineEdge, at: { x: number; y: number }): boolean;
  setParams(nodeId: string, params: Record<string, unknown>): void;
  moveNodes(moves: Record<string, { x: number; y: number }>, undoable: boolean): void;
  /** Marks the start of a drag, so the whole drag undoes in one step. */
  beginMove(): void;
  deleteSelection(): void;
  copy(): void;
  paste(): void;
  undo(): void;
  redo(): void;
  select(nodes: string[], edges?: string[]): void;
  refuse(message: string, at: { x: number; y: number }): void;
  setRuns(runs: Record<string, NodeState>, replace?: boolean): void;
  replaceGraph(graph: PipelineGraph, name?: string): void;
}

function nextId(graph: PipelineGraph, kind: string): string {
  const used = new Set(graph.nodes.map((n) => n.id));
  for (let i = 1; ; i++) if (!used.has(`${kind}-${i}`)) return `${kind}-${i}`;
}

/** Every node downstream of `ids` (the ids themselves included). */
export function downstreamOf(graph: PipelineGraph, ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    for (const e of graph.edges) if (e.from.node === n) stack.push(e.to.node);
  }
  return out;
}

/** Nodes whose parameters or incoming edges differ between two graphs (a node's position does not count). */
function changedNodes(before: PipelineGraph, after: PipelineGraph): string[] {
  const key = (g: PipelineGraph, n: PipelineNode) =>
    JSON.stringify([n.kind, n.params, g.edges.filter((e) => e.to.node === n.id).map((e) => `${e.from.node}.${e.from.port}>${e.to.port}`)]);
  const old = new Map(before.nodes.map((n) => [n.id, key(before, n)]));
  return after.nodes.filter((n) => old.get(n.id) !== key(after, n)).map((n) => n.id);
}

/** React Flow needs an id per edge; the file's edges are identified by their ends. */
export function edgeId(e: PipelineEdge): string {
  return `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`;
}

/** What a node starts with when dropped from the palette: what most users want, valid where it can be. */
const DEFAULT_PARAMS: Partial<Record<NodeKind, Record<string, unknown>>> = {
  'set-dims': { dims: [{ tensor: '', axis: 0, value: 'batch' }] },
  profile: { backend: 'ort-cpu', runs: 50, warmup: 5 },
  compare: { thresholds: { maxTop1DropPoints: 1 } },
  convert: { opset: 17 },
  save: { fileName: 'model.onnx' },
};

export function createPipelineEditorStore(name: string, graph: PipelineGraph) {
  return createStore<PipelineEditorState>()((set, get) => {
    /** Results that no longer follow from the graph are shown as stale, not as done. */
    function staleAfter(before: PipelineGraph, after: PipelineGraph, runs: Record<string, NodeState>): Record<string, NodeState> {
      const affected = downstreamOf(after, changedNodes(before, after));
      const next: Record<string, NodeState> = {};
      for (const n of after.nodes) {
        const r = runs[n.id];
        if (!r) continue;
        next[n.id] = affected.has(n.id) && (r.status === 'done' || r.status === 'failed') ? { ...r, status: 'stale' } : r;
      }
      return next;
    }

    let moveStart: PipelineGraph | undefined;

    return {
      name,
      graph,
      selected: [],
      selectedEdges: [],
      runs: {},
      past: [],
      future: [],
      bindings: {},

      bind: (nodeId, binding) => set((s) => ({ bindings: { ...s.bindings, [nodeId]: binding } })),

      commit(next) {
        const { graph: before, past, runs } = get();
        set({ graph: next, past: [...past.slice(-HISTORY_LIMIT + 1), before], future: [], runs: staleAfter(before, next, runs), refusal: undefined });
      },

      addNode(kind, position) {
        if (!isNodeKind(kind)) return undefined;
        const { graph } = get();
        const id = nextId(graph, kind);
        get().commit({ ...graph, nodes: [...graph.nodes, { id, kind, params: structuredClone(DEFAULT_PARAMS[kind] ?? {}), position }] });
        set({ selected: [id], selectedEdges: [] });
        return id;
      },

      connect(edge, at) {
        const { graph } = get();
        const ok = canConnect(graph, edge);
        if (ok !== true) {
          get().refuse(ok, at);
          return false;
        }
        get().commit({ ...graph, edges: [...graph.edges, edge] });
        return true;
      },

      setParams(nodeId, params) {
        const { graph } = get();
        get().commit({ ...graph, nodes: graph.nodes.map((n) => (n.id === nodeId ? { ...n, params } : n)) });
      },

      beginMove() {
        moveStart = get().graph;
      },

      moveNodes(moves, undoable) {
        const { graph, past } = get();
        const next = { ...graph, nodes: graph.nodes.map((n) => (moves[n.id] ? { ...n, position: moves[n.id]! } : n)) };
        if (undoable && moveStart) {
          set({ graph: next, past: [...past.slice(-HISTORY_LIMIT + 1), moveStart], future: [] });
          moveStart = undefined;
        } else set({ graph: next });
      },

      deleteSelection() {
        const { graph, selected, selectedEdges } = get();
        if (selected.length === 0 && selectedEdges.length === 0) return;
        const gone = new Set(selected);
        get().commit({
          ...graph,
          nodes: graph.nodes.filter((n) => !gone.has(n.id)),
          edges: graph.edges.filter((e) => !gone.has(e.from.node) && !gone.has(e.to.node) && !selectedEdges.includes(edgeId(e))),
        });
        set({ selected: [], selectedEdges: [] });
      },

      copy() {
        const { graph, selected } = get();
        const ids = new Set(selected);
        if (ids.size === 0) return;
        set({ clipboard: structuredClone({ nodes: graph.nodes.filter((n) => ids.has(n.id)), edges: graph.edges.filter((e) => ids.has(e.from.node) && ids.has(e.to.node)) }) });
      },

      paste() {
        const { clipboard, graph } = get();
        if (!clipboard) return;
        // Pasted nodes get fresh ids and sit a little below and right of the originals; edges among them come along.
        const rename = new Map<string, string>();
        const nodes = [...graph.nodes];
        for (const n of clipboard.nodes) {
          const id = nextId({ ...graph, nodes }, n.kind);
          rename.set(n.id, id);
          const at = n.position ?? { x: 0, y: 0 };
          nodes.push({ ...structuredClone(n), id, position: { x: at.x + 40, y: at.y + 40 } });
        }
        const edges = clipboard.edges.map((e) => ({ from: { ...e.from, node: rename.get(e.from.node)! }, to: { ...e.to, node: rename.get(e.to.node)! } }));
        get().commit({ ...graph, nodes, edges: [...graph.edges, ...edges] });
        set({ selected: [...rename.values()], selectedEdges: [] });
      },

      undo() {
        const { past, future, graph, runs } = get();
        const prev = past.at(-1);
        if (!prev) return;
        set({ graph: prev, past: past.slice(0, -1), future: [graph, ...future], runs: staleAfter(graph, prev, runs), selected: [], selectedEdges: [] });
      },

      redo() {
        const { past, future, graph, runs } = get();
        const next = future[0];
        if (!next) return;
        set({ graph: next, past: [...past, graph], future: future.slice(1), runs: staleAfter(graph, next, runs), selected: [], selectedEdges: [] });
      },

      select: (nodes, edges = []) => set({ selected: nodes, selectedEdges: edges }),

      refuse: (message, at) => set({ refusal: { message, x: at.x, y: at.y } }),

      setRuns: (runs, replace = false) => set((s) => ({ runs: replace ? runs : { ...s.runs, ...runs } })),

      replaceGraph(next, newName) {
        set({ graph: next, past: [], future: [], runs: {}, selected: [], selectedEdges: [], ...(newName ? { name: newName } : {}) });
      },
    };
  });
}

export type PipelineEditorStore = ReturnType<typeof createPipelineEditorStore>;
