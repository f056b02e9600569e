import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { NODE_KINDS, type NodeKind, type PortSpec } from '../../../shared/pipeline/node-kinds.js';
import type { NodeState } from '../../../shared/pipeline/node-state.js';

export interface PipelineNodeData extends Record<string, unknown> {
  kind: NodeKind;
  title: string;
  run?: NodeState;
  missing: string[];
  /** A parameter fails its schema: the inspector says which. */
  invalid: boolean;
  /** A model output made by the last run: clicking the result opens it. */
  onOpenResult?: (nodeId: string) => void;
}

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;

const PORT_SPACING = 22;
const PORT_TOP = 30;

function Port({ port, index, side }: { port: PortSpec; index: number; side: 'in' | 'out' }) {
  return (
    <Handle
      id={port.name}
      type={side === 'in' ? 'target' : 'source'}
      position={side === 'in' ? Position.Left : Position.Right}
      className={`pipeline-port port-${port.type}`}
      style={{ top: PORT_TOP + index * PORT_SPACING }}
      data-port-type={port.type}
      data-port-name={port.name}
      title={`${port.label} (${port.type}${port.multi ? ', any number' : ''})`}
    >
      <span className={`pipeline-port-label ${side}`}>{port.label}</span>
    </Handle>
  );
}

/** One pipeline node: its kind, ports by type, status with progress, and its result once it ran. */
export const PipelineNodeBox = memo(function PipelineNodeBox({ id, data, selected }: NodeProps<PipelineFlowNode>) {
  const spec = NODE_KINDS[data.kind] as { category: string; inputs: readonly PortSpec[]; outputs: readonly PortSpec[] };
  const status = data.run?.status ?? 'pending';
  const ports = Math.max(spec.inputs.length, spec.outputs.length);
  const running = status === 'running';
  const progress = data.run?.progress;
  const result = data.run?.result;
  return (
    <div
      className={`pipeline-node category-${spec.category}${selected ? ' selected' : ''}`}
      data-pipeline-node={data.kind}
      data-step-id={id}
      data-status={status}
      style={{ minHeight: PORT_TOP + ports * PORT_SPACING + 34 }}
    >
      {spec.inputs.map((p, i) => <Port key={p.name} port={p} index={i} side="in" />)}
      {spec.outputs.map((p, i) => <Port key={p.name} port={p} index={i} side="out" />)}
      <div className="pipeline-node-title">
        {data.title}
        <span className="pipeline-node-status">{status}</span>
      </div>
      <div className="pipeline-node-id">{id}</div>
      <div className="pipeline-node-body" style={{ marginTop: ports * PORT_SPACING }}>
        {data.missing.length > 0 && <div className="pipeline-node-missing">needs: {data.missing.join(', ')}</div>}
        {data.invalid && <div className="pipeline-node-missing">a setting is not valid (see the inspector)</div>}
        {running && (
          <div role="progressbar" aria-label={`Running ${id}`} aria-valuemin={0} aria-valuemax={progress?.total || 1} aria-valuenow={progress?.done ?? 0} className="pipeline-node-progress">
            <div style={{ width: `${progress?.total ? (100 * progress.done) / progress.total : 5}%` }} />
          </div>
        )}
        {status === 'failed' && data.run?.message && (
          <div className="pipeline-node-message" role="status">
            {data.run.message}
          </div>
        )}
        {result && (
          <div className="pipeline-node-result" data-testid="node-result">
            {(result.docId || result.compare) && data.onOpenResult ? (
              <button type="button" className="link nodrag" title={result.compare ? 'Open the comparison table' : 'Open this model in the viewer'} onClick={() => data.onOpenResult!(id)}>
                {result.summary}
              </button>
            ) : (
              result.summary
            )}
            {result.problems?.map((p) => (
              <div key={p} className="pipeline-node-problem">
                {p}
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
});

// Declared at module scope so React Flow does not re-create node components on every render.
export const PIPELINE_NODE_TYPES = { pipeline: PipelineNodeBox };
