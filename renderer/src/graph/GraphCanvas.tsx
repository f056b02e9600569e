import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Edge, type NodeMouseHandler } from '@xyflow/react';
import { viewportDuration } from './motion.js';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { toFlowElements, type FlowNode, type ItemData } from './flow-elements.js';
import { useGraph, useGraphStore } from './graph-context.js';
import { nextNode } from './keyboard.js';
import { NODE_TYPES } from './node-types.js';
import { EDGE_TYPES } from './ShapeEdge.js';
import { firstViewport } from './first-viewport.js';
import { graphPainted } from './first-paint.js';
import { groupItemId, inputId, opId, outputId } from './visible-graph.js';

const EMPTY = { nodes: [] as FlowNode[], edges: [] as Edge[], data: new Map<string, ItemData>() };

/** The graph canvas: only what is on screen is rendered; layout happens in the worker beforehand. */
export function GraphCanvas() {
  const store = useGraphStore();
  const view = useGraph((s) => s.view);
  const shown = useGraph((s) => s.shown);
  const status = useGraph((s) => s.status);
  const direction = useGraph((s) => s.options.direction);
  const selection = useGraph((s) => s.selection);
  const focus = useGraph((s) => s.focus);
  const flow = useReactFlow<FlowNode>();
  const weightsAsNodes = useGraph((s) => s.options.showInitializers);
  const wheel = useGraph((s) => s.options.wheel ?? 'zoom');
  const showShapes = useGraph((s) => s.options.showShapes);
  const showNames = useGraph((s) => s.options.showNames ?? false);
  const inferred = useGraph((s) => s.inferred);
  const shapesStatus = useGraph((s) => s.shapesStatus);
  // A graph is placed afresh when it opens and when its layout is rebuilt (direction, weights as
  // nodes): the old viewport would look at where nothing is any more.
  const placement = view ? `${view.path}|${direction}|${weightsAsNodes}` : undefined;
  const placing = useRef<string | undefined>(undefined);
  // The placement applied last: tests wait on data-viewport="placed", not on time.
  const [placed, setPlaced] = useState<string | undefined>(undefined);
  const previousData = useRef<{ view: unknown; data: Map<string, ItemData> } | undefined>(undefined);

  const elements = useMemo(() => {
    if (!shown) return EMPTY;
    // Item data is reused only within one view: after an edit, ids (node indices) may name other nodes.
    const previous = previousData.current?.view === shown.view ? previousData.current.data : undefined;
    const inferredHere = inferred?.view === shown.view ? inferred.values : undefined;
    const shapes = showNames ? { inferred: inferredHere, names: true } : showShapes ? { inferred: inferredHere } : undefined;
    const built = toFlowElements(shown.visible, shown.layout, shown.view, shown.tree, direction, previous, shapes);
    previousData.current = { view: shown.view, data: built.data };
    return built;
  }, [shown, direction, showShapes, showNames, inferred]);
  const selectedId = selection?.kind === 'node' ? opId(selection.index) : selection?.kind === 'group' ? groupItemId(selection.id) : undefined;
  const nodes = useMemo(
    () => elements.nodes.map((n) => (n.id === selectedId || (selection?.kind === 'value' && (n.id === inputId(selection.name) || n.id === outputId(selection.name))) ? { ...n, selected: true } : n)),
    [elements, selectedId, selection],
  );

  // Marks the moment a laid-out graph is on screen (read by `npm run bench`).
  // 'graph:painted' follows the frame that shows it (the second animation frame after the commit).
  useEffect(() => {
    if (status !== 'ready') return;
    performance.mark('graph:rendered');
    let second = 0;
    const first = requestAnimationFrame(() => {
      second = requestAnimationFrame(() => {
        performance.mark('graph:painted');
        graphPainted();
        // Inferred shapes are asked for only now, so the first screen never waits for them.
        store.getState().painted();
      });
    });
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [status, elements, store]);

  // A new graph (or a rebuilt layout) opens at a readable zoom: the whole graph if it fits at 50%, else its start.
  useEffect(() => {
    if (status !== 'ready' || !view || placing.current === placement) return;
    // Marked inside the frame: an effect cleaned up before its frame ran must try again.
    const frame = requestAnimationFrame(() => {
      placing.current = placement;
      const box = document.querySelector('[data-testid="graph-canvas"]')?.getBoundingClientRect();
      const boxes = flow.getNodes().flatMap((n) => {
        const internal = flow.getInternalNode(n.id);
        if (!internal || n.data.item.kind === 'frame') return [];
        const { x, y } = internal.internals.positionAbsolute;
        return [{ id: n.id, x, y, width: n.width ?? 0, height: n.height ?? 0 }];
      });
      const target = box && firstViewport(boxes, view.inputs.map((v) => inputId(v.name)), box, direction);
      if (!target) return;
      const applied = target.fit ? flow.fitView({ padding: 0.1, maxZoom: 1.2 }) : flow.setViewport({ x: target.x, y: target.y, zoom: target.zoom });
      void applied.then(() => setPlaced(placement));
    });
    return () => cancelAnimationFrame(frame);
  }, [status, view, flow, elements, direction, placement]);

  // Bring a searched, revealed or newly expanded item into view once it is laid out.
  useEffect(() => {
    if (status !== 'ready' || !focus) return;
    const node = flow.getInternalNode(focus);
    if (!node) return;
    const { x, y } = node.internals.positionAbsolute;
    const w = node.measured.width ?? node.width ?? 0;
    const h = node.measured.height ?? node.height ?? 0;
    void flow.setCenter(x + w / 2, y + h / 2, { zoom: Math.max(flow.getZoom(), 0.8), duration: viewportDuration(200) });
    store.setState({ focus: undefined });
  }, [status, focus, flow, store, elements]);

  const onNodeClick: NodeMouseHandler<FlowNode> = (_, node) => {
    const item = node.data.item;
    if (item.kind === 'op') store.getState().select({ kind: 'node', index: item.nodeIndex! });
    else if (item.kind === 'group') store.getState().select({ kind: 'group', id: item.groupId! });
    else if (item.valueName) store.getState().select({ kind: 'value', name: item.valueName });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const state = store.getState();
    if (!state.view) return;
    if (e.key === 'Escape') return state.select(null);
    if (e.key === 'Enter' && state.selection?.kind === 'group') return void state.toggleGroup(state.selection.id);
    const next = nextNode(state.view, state.selection, e.key, state.shown?.visible.folded);
    if (next !== undefined) {
      e.preventDefault();
      void state.reveal(next);
    }
  };

  return (
    <div
      className="graph-canvas"
      data-testid="graph-canvas"
      data-status={status}
      {...(status === 'ready' && view ? { 'data-node-count': view.nodes.length, 'data-edge-count': elements.edges.length } : {})}
      {...(status === 'ready' && view && placed === placement ? { 'data-viewport': 'placed' } : {})}
      data-shapes={shapesStatus}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <ReactFlow
        nodes={nodes}
        edges={elements.edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onlyRenderVisibleElements
        zoomOnScroll={wheel === 'zoom'}
        panOnScroll={wheel === 'scroll'}
        nodesDraggable={false}
        nodesConnectable={false}
        minZoom={0.02}
        maxZoom={4}
        onNodeClick={onNodeClick}
        onEdgeClick={(_, edge) => store.getState().select({ kind: 'value', name: String((edge.data as { value: string }).value) })}
        onPaneClick={() => store.getState().select(null)}
        deleteKeyCode={null}
      >
        <MiniMap pannable zoomable nodeClassName={(n) => `minimap-${(n as FlowNode).data.category}`} />
        <Controls showInteractive={false} />
        <Background gap={24} />
      </ReactFlow>
    </div>
  );
}
