import { Handle, Position, useStore, type NodeProps } from '@xyflow/react';
import { memo, type MouseEvent } from 'react';
import { MAIN } from '../../../shared/graph/graph-path.js';
import type { FlowNode } from './flow-elements.js';
import { useGraph } from './graph-context.js';
import { markedGroups } from './marked-groups.js';

function handles(direction: 'TB' | 'LR') {
  const [target, source] = direction === 'TB' ? [Position.Top, Position.Bottom] : [Position.Left, Position.Right];
  return (
    <>
      <Handle type="target" position={target} isConnectable={false} />
      <Handle type="source" position={source} isConnectable={false} />
    </>
  );
}

/** Below this zoom, text is unreadable: nodes draw as plain coloured boxes (far less to paint). */
const DETAIL_ZOOM = 0.35;
const useDetail = () => useStore((s) => s.transform[2] >= DETAIL_ZOOM);

/** Opening or closing a group leaves the selection alone (the click must not reach the node's own handler). */
function toggleHandler(toggle: (id: string) => Promise<void>, groupId: string) {
  return (e: MouseEvent) => {
    e.stopPropagation();
    void toggle(groupId);
  };
}

/** The node's heat (0..1) when a heat map is on and the main graph is shown. */
function useHeat(nodeIndex: number | undefined): number | undefined {
  return useGraph((s) => (s.path === MAIN && nodeIndex !== undefined ? s.heat?.get(nodeIndex) : undefined));
}

/** Light yellow to deep red. */
function heatColor(h: number): string {
  return `hsl(${Math.round(50 - 50 * h)}, 90%, ${Math.round(88 - 38 * h)}%)`;
}

/** An operator: op type in a header coloured by category, folded weights and attributes as rows. */
const OpNode = memo(function OpNode({ data, selected }: NodeProps<FlowNode>) {
  const detail = useDetail();
  const rows = detail ? data.item.rows : undefined;
  const heat = useHeat(data.item.nodeIndex);
  const problem = useGraph((s) => (data.nodeName ? s.problems.get(data.nodeName) : undefined));
  const diffMark = useGraph((s) => (data.item.nodeIndex !== undefined ? s.diffMarks?.get(data.item.nodeIndex) : undefined));
  const mark = useGraph((s) => (s.path === MAIN && data.nodeName ? s.marks?.get(data.nodeName) : undefined));
  return (
    <div
      className={`op-node cat-${data.category}${selected ? ' selected' : ''}${heat !== undefined ? ' heated' : ''}${problem ? ' has-problem' : ''}${diffMark ? ` diff-${diffMark.status}` : ''}${mark ? ` marked-${mark}` : ''}`}
      data-node-name={data.nodeName}
      data-op-type={data.opType}
      {...(diffMark ? { 'data-diff-status': diffMark.status } : {})}
      {...(mark ? { 'data-mark': mark } : {})}
      {...(problem ? { 'data-problem': problem } : {})}
      {...(heat !== undefined ? { 'data-heat': heat.toFixed(2), style: { background: heatColor(heat) } } : {})}
      title={data.detail}
    >
      {handles(data.direction)}
      <div className="op-title">{data.title}</div>
      {diffMark?.note && <div className="diff-note">{diffMark.note}</div>}
      {rows && rows.weights.length + rows.attributes.length + (rows.name ? 1 : 0) > 0 && (
        <div className="op-rows">
          {rows.name && (
            <div className="op-row name" data-row="name">
              {rows.name}
            </div>
          )}
          {rows.weights.map((w) => (
            <div key={w} className="op-row weight">
              {w}
            </div>
          ))}
          {rows.attributes.map((a) => (
            <div key={a} className="op-row attribute">
              {a}
            </div>
          ))}
        </div>
      )}
    </div>
  );
});

/** A closed name scope: one box with its op count; opens on click of its button or double click. */
const GroupNode = memo(function GroupNode({ data, selected }: NodeProps<FlowNode>) {
  const toggle = useGraph((s) => s.toggleGroup);
  const detail = useDetail();
  const marked = useGraph((s) => (s.path === MAIN && s.marks && s.shown ? markedGroups(s.shown.tree, s.shown.view, s.marks).get(data.item.groupId!) : undefined));
  const markProps = marked ? { 'data-marked-nodes': marked } : {};
  if (!detail) {
    return (
      <div className={`group-node coarse${selected ? ' selected' : ''}${marked ? ' has-marks' : ''}`} data-group-id={data.nodeName} data-op-type="Group" {...markProps} onClick={toggleHandler(toggle, data.item.groupId!)} aria-label={`Expand ${data.title}`} role="button">
        {handles(data.direction)}
        {data.title}
      </div>
    );
  }
  return (
    <div className={`group-node${selected ? ' selected' : ''}${marked ? ' has-marks' : ''}`} data-group-id={data.nodeName} data-op-type="Group" {...markProps} onDoubleClick={() => void toggle(data.item.groupId!)}>
      {handles(data.direction)}
      <div className="group-title">
        <button type="button" className="group-toggle" aria-label={`Expand ${data.title}`} onClick={toggleHandler(toggle, data.item.groupId!)}>
          +
        </button>
        <span>{data.title}</span>
      </div>
      <div className="group-detail">
        {data.detail}
        {marked ? `, ${marked} changed` : ''}
      </div>
    </div>
  );
});

/** An open name scope: a frame around its contents with a button to close it. */
const FrameNode = memo(function FrameNode({ data }: NodeProps<FlowNode>) {
  const toggle = useGraph((s) => s.toggleGroup);
  return (
    <div className="frame-node" data-group-id={data.nodeName} data-expanded="true">
      {handles(data.direction)}
      <div className="frame-title">
        <button type="button" className="group-toggle" aria-label={`Collapse ${data.title}`} onClick={toggleHandler(toggle, data.item.groupId!)}>
          −
        </button>
        <span>{data.title}</span>
        <span className="muted"> {data.detail}</span>
      </div>
    </div>
  );
});

/** Graph inputs, outputs and (when shown as nodes) initializers, drawn the Netron way as rounded labels. */
const ValueNode = memo(function ValueNode({ data, selected }: NodeProps<FlowNode>) {
  return (
    <div className={`value-node kind-${data.opType}${selected ? ' selected' : ''}`} data-node-name={data.nodeName} data-op-type={data.opType}>
      {handles(data.direction)}
      <div className="value-title">{data.title}</div>
      <div className="value-detail">{data.detail}</div>
    </div>
  );
});

/** Declared once at module scope so React Flow never sees new node types between renders. */
// 'scope', not 'group': React Flow styles its built-in 'group' type with a border and padding.
export const NODE_TYPES = { op: OpNode, scope: GroupNode, frame: FrameNode, value: ValueNode };
