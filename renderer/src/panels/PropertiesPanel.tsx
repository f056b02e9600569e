import { useState } from 'react';
import type { GraphView, ModelInfo, NodeView } from '../../../shared/api/dto.js';
import { formatBytes, formatShape } from '../../../shared/model/format.js';
import type { ValueSummary } from '../../../shared/model/summary.js';
import { useGraph } from '../graph/graph-context.js';
import type { ScopeTree } from '../graph/scope-tree.js';
import { useApp } from '../store/store-context.js';
import { Histogram } from './Histogram.js';
import { NodeEditor } from '../editing/NodeEditor.js';
import { ValueEditor } from '../editing/ValueEditor.js';
import { DimsEditor } from '../editing/DimsEditor.js';
import { ModelEditor } from '../editing/ModelEditor.js';
import { ModelTransforms } from '../transform/ModelTransforms.js';
import { InsertNodeForm } from '../editing/InsertNodeForm.js';
import { InitializerEditor } from '../editing/InitializerEditor.js';
import { useEngine } from './use-engine.js';
import { SaveTensorButton } from './SaveTensorButton.js';

function ValueRow({ name, label, view }: { name: string; label?: string; view: GraphView }) {
  const select = useGraph((s) => s.select);
  const info = view.values[name];
  if (!name) return <li className="muted">{label ? `${label}: ` : ''}(omitted)</li>;
  return (
    <li>
      {label && <span className="muted">{label}: </span>}
      <button type="button" className="link" onClick={() => select({ kind: 'value', name })}>
        {name}
      </button>{' '}
      <span className="muted">{info ? `${info.type}${formatShape(info.shape, '×')}` : '?'}</span>
    </li>
  );
}

/** metadata_props (or quantization parameter names) as a two-column table, one row per key. */
function MetadataTable({ title, entries }: { title: string; entries: Record<string, string> }) {
  return (
    <>
      <h3>{title}</h3>
      <table className="attributes" aria-label={title}>
        <tbody>
          {Object.entries(entries).map(([k, v]) => (
            <tr key={k} data-metadata-key={k}>
              <th>{k}</th>
              <td>
                <code>{v}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function NodeProperties({ node, view, docId }: { node: NodeView; view: GraphView; docId: string }) {
  const client = useApp((s) => s.client);
  const openGraph = useGraph((s) => s.openGraph);
  const schema = useEngine(() => client.getNodeSchema({ docId, graphPath: view.path, nodeIndex: node.index }), [docId, view.path, node.index]);
  const outputLabels = schema.value?.schema?.outputs.map((o) => o.name) ?? [];
  return (
    <>
      <h2 className={`cat-${node.category}`}>{node.opType}</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd data-testid="node-name">{node.name || <span className="muted">(none)</span>}</dd>
        <dt>Category</dt>
        <dd>{node.category}</dd>
        <dt>Domain</dt>
        <dd>{node.domain || 'ai.onnx'}</dd>
        {schema.value?.sinceVersion !== undefined && (
          <>
            <dt>Version</dt>
            <dd>opset {schema.value.sinceVersion}</dd>
          </>
        )}
        {node.docString && (
          <>
            <dt>Description</dt>
            <dd data-testid="node-doc-string">{node.docString}</dd>
          </>
        )}
      </dl>
      {node.metadata && <MetadataTable title="Metadata" entries={node.metadata} />}
      <h3>Attributes</h3>
      {node.attributes.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="attributes">
          <tbody>
            {node.attributes.map((a) => (
              <tr key={a.name} data-attribute={a.name}>
                <th>{a.name}</th>
                <td>
                  {a.graphPath ? (
                    <button type="button" className="link" onClick={() => void openGraph(a.graphPath!)}>
                      {a.value}
                    </button>
                  ) : (
                    <code>{a.value}</code>
                  )}
                </td>
                <td className="muted">{a.type}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Inputs</h3>
      <ul className="values">
        {node.inputs.map((name, i) => (
          <ValueRow key={i} name={name} label={node.inputLabels[i]} view={view} />
        ))}
      </ul>
      <h3>Outputs</h3>
      <ul className="values">
        {node.outputs.map((name, i) => (
          <ValueRow key={i} name={name} label={outputLabels[i]} view={view} />
        ))}
      </ul>
      <h3>Edit</h3>
      <NodeEditor key={`${view.path}:${node.index}:${node.name}`} node={node} view={view} {...(schema.value ? { schema: schema.value } : {})} />
      {schema.value?.doc && (
        <>
          <h3>Documentation</h3>
          <div className="doc">{schema.value.doc}</div>
        </>
      )}
      {schema.error && <p className="error-text">{schema.error}</p>}
    </>
  );
}

function ValueProperties({ name, view, docId }: { name: string; view: GraphView; docId: string }) {
  const client = useApp((s) => s.client);
  const reveal = useGraph((s) => s.reveal);
  const info = view.values[name];
  const isConstant = view.initializers.some((i) => i.name === name) || view.nodes.some((n) => n.opType === 'Constant' && n.outputs[0] === name);
  // The view object is replaced after every edit, so an edited tensor is measured again.
  const stats = useEngine(isConstant ? () => client.getTensorStats({ docId, graphPath: view.path, name }) : undefined, [docId, view, name, isConstant]);
  const producer = view.nodes.find((n) => n.outputs.includes(name));
  const consumers = view.nodes.filter((n) => n.inputs.includes(name));
  const s = stats.value;
  const note = view.annotations?.[name];
  return (
    <>
      <h2>{isConstant ? 'Tensor' : 'Value'}</h2>
      <ValueEditor key={name} name={name} view={view} />
      <dl className="facts">
        <dt>Name</dt>
        <dd data-testid="value-name">{name}</dd>
        <dt>Type</dt>
        <dd>{info?.type ?? 'unknown'}</dd>
        <dt>Shape</dt>
        <dd>{info ? formatShape(info.shape, ' × ') : '?'}</dd>
        {note?.denotation && (
          <>
            <dt>Denotation</dt>
            <dd data-testid="value-denotation">{note.denotation}</dd>
          </>
        )}
        {note?.dimDenotations && (
          <>
            <dt>Dim denotations</dt>
            <dd data-testid="value-dim-denotations">{note.dimDenotations.map((d) => d || '?').join(' × ')}</dd>
          </>
        )}
        {note?.docString && (
          <>
            <dt>Description</dt>
            <dd data-testid="value-doc-string">{note.docString}</dd>
          </>
        )}
        {s && (
          <>
            <dt>Size</dt>
            <dd>
              {s.elements.toLocaleString('en-US')} elements, {formatBytes(s.bytes)}
            </dd>
          </>
        )}
        {s?.numeric && s.min !== undefined && (
          <>
            <dt>Min / max</dt>
            <dd>
              {s.min.toPrecision(5)} / {s.max!.toPrecision(5)}
            </dd>
            <dt>Mean / std</dt>
            <dd>
              {s.mean!.toPrecision(5)} / {s.std!.toPrecision(5)}
            </dd>
            <dt>Zeros</dt>
            <dd>{s.zeros!.toLocaleString('en-US')}</dd>
            <dt>Sparsity</dt>
            <dd data-testid="value-sparsity">{s.elements > 0 ? `${((s.zeros! / s.elements) * 100).toFixed(1)}%` : '–'}</dd>
          </>
        )}
      </dl>
      {note?.quantization && <MetadataTable title="Quantization" entries={note.quantization} />}
      {note?.metadata && <MetadataTable title="Metadata" entries={note.metadata} />}
      {isConstant && s && <SaveTensorButton docId={docId} graphPath={view.path} name={name} />}
      {s?.histogram && <Histogram {...s.histogram} />}
      {view.initializers.some((i) => i.name === name) && <InitializerEditor key={`${name}:${s?.first?.length ?? 0}`} name={name} view={view} {...(s?.first ? { first: s.first } : {})} />}
      {s?.first && (
        <>
          <h3>First values</h3>
          <code className="first-values">{s.first.map((v) => (Number.isInteger(v) ? String(v) : v.toPrecision(4))).join(', ')}</code>
        </>
      )}
      {s && !s.numeric && <p className="muted">Statistics are not available for {s.type} tensors.</p>}
      {stats.loading && <p className="muted">Computing statistics…</p>}
      {stats.error && <p className="error-text">{stats.error}</p>}
      {producer && (
        <>
          <h3>Produced by</h3>
          <button type="button" className="link" onClick={() => void reveal(producer.index)}>
            {producer.name || producer.opType}
          </button>
        </>
      )}
      {consumers.length > 0 && (
        <>
          <h3>Consumed by</h3>
          <ul className="values">
            {consumers.slice(0, 50).map((c) => (
              <li key={c.index}>
                <button type="button" className="link" onClick={() => void reveal(c.index)}>
                  {c.name || c.opType}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function GroupProperties({ id, tree, view }: { id: string; tree: ScopeTree; view: GraphView }) {
  const group = tree.groups.get(id);
  const toggle = useGraph((s) => s.toggleGroup);
  const open = useGraph((s) => s.expanded.has(id));
  if (!group) return null;
  const ops: Record<string, number> = {};
  const walk = (gid: string) => {
    const g = tree.groups.get(gid)!;
    for (const n of g.nodes) ops[view.nodes[n]!.opType] = (ops[view.nodes[n]!.opType] ?? 0) + 1;
    g.groups.forEach(walk);
  };
  walk(id);
  return (
    <>
      <h2>Group {group.label}</h2>
      <p>
        {group.opCount} ops {group.id.includes('#') ? '' : <>in scope <code>/{group.id}</code></>}{' '}
        <button type="button" onClick={() => void toggle(id)}>
          {open ? 'Collapse' : 'Expand'}
        </button>
      </p>
      <table>
        <tbody>
          {Object.entries(ops)
            .sort((a, b) => b[1] - a[1])
            .map(([op, n]) => (
              <tr key={op}>
                <td>{op}</td>
                <td className="num">{n}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

function RemoveInputButton({ name }: { name: string }) {
  const edit = useApp((s) => s.edit);
  return (
    <button type="button" className="link" aria-label={`Remove input ${name}`} title="Remove this input (only when nothing reads it)" onClick={() => void edit('removeInput', { name })}>
      ✕
    </button>
  );
}

function SummaryValues({ title, values, editable }: { title: string; values: ValueSummary[]; editable?: boolean }) {
  return (
    <>
      <h3>{title}</h3>
      <ul className="values">
        {values.map((v) => (
          <li key={v.name} data-value-name={v.name}>
            {v.name} <span className="muted">{`${v.type}${formatShape(v.shape, '×')}`}</span>
            {editable && v.shape && <DimsEditor key={formatShape(v.shape, 'x')} value={v} />}
            {editable && title === 'Inputs' && <RemoveInputButton name={v.name} />}
          </li>
        ))}
      </ul>
    </>
  );
}

function ModelProperties({ model }: { model: ModelInfo }) {
  const { summary, problems } = model;
  const about = summary.about;
  const view = useGraph((s) => s.view);
  const [editingOpened, setEditingOpened] = useState(false);
  return (
    <>
      <h2>Model</h2>
      <dl className="facts">
        <dt>File</dt>
        <dd>
          {model.fileName} ({formatBytes(model.sizeBytes)})
        </dd>
        <dt>IR version</dt>
        <dd data-testid="model-ir-version">{summary.irVersion}</dd>
        <dt>Opsets</dt>
        <dd>{Object.entries(summary.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}</dd>
        <dt>Producer</dt>
        <dd data-testid="model-producer">{[summary.producer.name, summary.producer.version].filter(Boolean).join(' ') || 'unknown'}</dd>
        {about?.domain && (
          <>
            <dt>Domain</dt>
            <dd data-testid="model-domain">{about.domain}</dd>
          </>
        )}
        {!!about?.modelVersion && (
          <>
            <dt>Model version</dt>
            <dd data-testid="model-version">{about.modelVersion}</dd>
          </>
        )}
        {about?.docString && (
          <>
            <dt>Description</dt>
            <dd data-testid="model-doc-string">{about.docString}</dd>
          </>
        )}
        {summary.graph.name && (
          <>
            <dt>Graph</dt>
            <dd data-testid="graph-name">{summary.graph.name}</dd>
          </>
        )}
        {about?.graphDocString && (
          <>
            <dt>Graph description</dt>
            <dd data-testid="graph-doc-string">{about.graphDocString}</dd>
          </>
        )}
        <dt>Nodes</dt>
        <dd data-testid="node-count">{summary.graph.nodeCount}</dd>
        <dt>Parameters</dt>
        <dd data-testid="parameter-count">{summary.graph.parameterCount.toLocaleString('en-US')}</dd>
        <dt>Weights</dt>
        <dd>{formatBytes(summary.weightBytes)}</dd>
        {Object.entries(summary.metadata).map(([k, v]) => (
          <div key={k} className="contents" data-metadata-key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <SummaryValues title="Inputs" values={summary.graph.inputs} editable />
      <SummaryValues title="Outputs" values={summary.graph.outputs} editable />
      <ModelTransforms model={model} />
      <details className="editing" onToggle={(e) => e.currentTarget.open && setEditingOpened(true)}>
        <summary>Edit model</summary>
        {/* Made when first opened: for a large graph its tensor lists are thousands of elements the first screen does not show. */}
        {editingOpened && <ModelEditor model={model} />}
        {editingOpened && view && (
          <>
            <h3>Insert node</h3>
            <InsertNodeForm view={view} docId={model.docId} opset={Number(summary.opsets['ai.onnx'] ?? 0)} />
          </>
        )}
      </details>
      <h3>Validation</h3>
      {problems.length === 0 ? (
        <p className="ok">No problems found.</p>
      ) : (
        <ul className="problems">
          {problems.map((p, i) => (
            <li key={i} className={p.severity}>
              <strong>{p.severity}</strong> {p.message} <span className="muted">({p.graphPath})</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The sidebar: what is selected, or the model when nothing is. */
export function PropertiesPanel({ model }: { model: ModelInfo }) {
  const view = useGraph((s) => s.view);
  const tree = useGraph((s) => s.tree);
  const selection = useGraph((s) => s.selection);
  const docId = useGraph((s) => s.docId);
  let body = <ModelProperties model={model} />;
  if (view && selection?.kind === 'node' && view.nodes[selection.index]) body = <NodeProperties node={view.nodes[selection.index]!} view={view} docId={docId} />;
  else if (view && selection?.kind === 'value') body = <ValueProperties name={selection.name} view={view} docId={docId} />;
  else if (view && tree && selection?.kind === 'group') body = <GroupProperties id={selection.id} tree={tree} view={view} />;
  return (
    <aside className="properties" aria-label="Properties">
      {body}
    </aside>
  );
}
