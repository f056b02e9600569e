import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Edge, type EdgeChange, type NodeChange, type OnConnectEnd } from '@xyflow/react';
import { useMemo, useRef, useState, type DragEvent } from 'react';
import { NODE_KIND_NAMES, NODE_KINDS, outputPort } from '../../../shared/pipeline/node-kinds.js';
import { nodeTitle, validatePipeline } from '../../../shared/pipeline/validate-pipeline.js';
import { edgeId } from './pipeline-editor-store.js';
import { PIPELINE_NODE_TYPES, type PipelineFlowNode } from './pipeline-node-types.js';
import { usePipelineEditor, usePipelineEditorStore } from './pipeline-editor-context.js';

export const PALETTE_MIME = 'application/x-onnx-studio-pipeline-kind';

/** The kind search a double-click on empty canvas opens, at the place the node will go. */
function KindSearch({ at, onPick, onClose }: { at: { x: number; y: number; flow: { x: number; y: number } }; onPick(kind: string, flow: { x: number; y: number }): void; onClose(): void }) {
  const [query, setQuery] = useState('');
  const matches = NODE_KIND_NAMES.filter((k) => `${NODE_KINDS[k].label} ${k}`.toLowerCase().includes(query.toLowerCase()));
  return (
    <div className="pipeline-kind-search" style={{ left: at.x, top: at.y }} role="dialog" aria-label="Add a node">
      <input
        autoFocus
        aria-label="Node kind"
        placeholder="Add a node…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          if (e.key === 'Enter' && matches[0]) onPick(matches[0], at.flow);
        }}
        onBlur={onClose}
      />
      <ul>
        {matches.map((k) => (
          <li key={k}>
            <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => onPick(k, at.flow)}>
              {NODE_KINDS[k].label}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The pipeline as a React Flow graph: typed ports, connections checked before they are made. */
export function PipelineCanvas({ onOpenResult }: { onOpenResult(nodeId: string): void }) {
  const store = usePipelineEditorStore();
  const graph = usePipelineEditor((s) => s.graph);
  const runs = usePipelineEditor((s) => s.runs);
  const selected = usePipelineEditor((s) => s.selected);
  const selectedEdges = usePipelineEditor((s) => s.selectedEdges);
  const refusal = usePipelineEditor((s) => s.refusal);
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const [search, setSearch] = useState<{ x: number; y: number; flow: { x: number; y: number } }>();

  const problems = useMemo(() => validatePipeline(graph), [graph]);
  const nodes = useMemo<PipelineFlowNode[]>(() => {
    const picked = new Set(selected);
    return graph.nodes.map((n) => {
      const mine = problems.filter((p) => p.nodeId === n.id);
      const missing = mine.filter((p) => p.code === 'missing-input').map((p) => (NODE_KINDS[n.kind].inputs as readonly { name: string; label: string }[]).find((i) => i.name === p.port)?.label ?? p.port ?? '');
      const run = runs[n.id];
      return {
        id: n.id,
        type: 'pipeline',
        position: n.position ?? { x: 0, y: 0 },
        selected: picked.has(n.id),
        data: { kind: n.kind, title: nodeTitle(n), missing, invalid: mine.some((p) => p.code === 'bad-params'), onOpenResult, ...(run ? { run } : {}) },
      };
    });
  }, [graph, problems, runs, selected, onOpenResult]);

  const edges = useMemo<Edge[]>(() => {
    const picked = new Set(selectedEdges);
    const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
    return graph.edges.map((e) => {
      const kind = kinds.get(e.from.node);
      const type = (kind && outputPort(kind, e.from.port)?.type) ?? 'model';
      const id = edgeId(e);
      return { id, source: e.from.node, sourceHandle: e.from.port, target: e.to.node, targetHandle: e.to.port, className: `pipeline-edge edge-${type}`, selected: picked.has(id), data: { portType: type } };
    });
  }, [graph, selectedEdges]);

  const onNodesChange = (changes: NodeChange<PipelineFlowNode>[]) => {
    const s = store.getState();
    const moves: Record<string, { x: number; y: number }> = {};
    let dragEnded = false;
    let selection: string[] | undefined;
    for (const c of changes) {
      if (c.type === 'position' && c.position) moves[c.id] = c.position;
      if (c.type === 'position' && c.dragging === false) dragEnded = true;
      if (c.type === 'select') {
        selection ??= [...s.selected];
        selection = c.selected ? [...new Set([...selection, c.id])] : selection.filter((id) => id !== c.id);
      }
    }
    if (Object.keys(moves).length > 0 || dragEnded) s.moveNodes(moves, dragEnded);
    if (selection) s.select(selection, s.selectedEdges);
  };

  const onEdgesChange = (changes: EdgeChange[]) => {
    const s = store.getState();
    let picked = [...s.selectedEdges];
    for (const c of changes) if (c.type === 'select') picked = c.selected ? [...new Set([...picked, c.id])] : picked.filter((id) => id !== c.id);
    s.select(s.selected, picked);
  };

  const onConnectEnd: OnConnectEnd = (event, state) => {
    const point = 'changedTouches' in event ? event.changedTouches[0]! : event;
    const box = wrapper.current?.getBoundingClientRect();
    const at = { x: point.clientX - (box?.left ?? 0), y: point.clientY - (box?.top ?? 0) };
    if (!state.fromHandle || !state.toHandle) return;
    const [out, input] = state.fromHandle.type === 'source' ? [state.fromHandle, state.toHandle] : [state.toHandle, state.fromHandle];
    if (out.type !== 'source' || input.type !== 'target') {
      store.getState().refuse('Connect an output port (right side) to an input port (left side).', at);
      return;
    }
    store.getState().connect({ from: { node: out.nodeId, port: out.id ?? '' }, to: { node: input.nodeId, port: input.id ?? '' } }, at);
  };

  const onDrop = (e: DragEvent) => {
    const kind = e.dataTransfer.getData(PALETTE_MIME);
    if (!kind) return;
    // Handled here: the window's own drop handler (open a dropped model) must not see it.
    e.preventDefault();
    e.stopPropagation();
    store.getState().addNode(kind, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  return (
    <div
      ref={wrapper}
      className="pipeline-canvas"
      data-testid="pipeline-canvas"
      data-node-count={graph.nodes.length}
      data-edge-count={graph.edges.length}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes(PALETTE_MIME)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={onDrop}
      onDoubleClick={(e) => {
        if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
        const box = wrapper.current!.getBoundingClientRect();
        setSearch({ x: e.clientX - box.left, y: e.clientY - box.top, flow: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) });
      }}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={PIPELINE_NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStart={() => store.getState().beginMove()}
        onConnectEnd={onConnectEnd}
        onPaneClick={() => store.getState().select([], [])}
        deleteKeyCode={null}
        zoomOnDoubleClick={false}
        minZoom={0.1}
        fitView
        proOptions={{ hideAttribution: true }}
      >
        <MiniMap pannable zoomable nodeClassName={(n) => `minimap-pipeline-${NODE_KINDS[(n as PipelineFlowNode).data.kind].category}`} />
        <Controls showInteractive={false} />
        <Background gap={24} />
      </ReactFlow>
      {refusal && (
        <div className="pipeline-refusal" role="alert" style={{ left: refusal.x, top: refusal.y }}>
          {refusal.message}
        </div>
      )}
      {search && (
        <KindSearch
          at={search}
          onClose={() => setSearch(undefined)}
          onPick={(kind, at) => {
            store.getState().addNode(kind, at);
            setSearch(undefined);
          }}
        />
      )}
    </div>
  );
}
