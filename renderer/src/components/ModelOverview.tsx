import type { ModelInfo } from '../../../shared/api/dto.js';
import { formatBytes, formatShape } from '../../../shared/model/format.js';
import type { ValueSummary } from '../../../shared/model/summary.js';
import { useApp } from '../store/store-context.js';

function ValueTable({ label, values }: { label: string; values: ValueSummary[] }) {
  return (
    <section aria-label={label}>
      <h2>{label}</h2>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Shape</th>
          </tr>
        </thead>
        <tbody>
          {values.map((v) => (
            <tr key={v.name} data-value-name={v.name}>
              <td>{v.name}</td>
              <td>{v.type}</td>
              <td>{formatShape(v.shape, ' × ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The model's identity card: IO, opsets, op counts, parameters and validation problems. */
export function ModelOverview({ model }: { model: ModelInfo }) {
  const save = useApp((s) => s.save);
  const close = useApp((s) => s.close);
  const busy = useApp((s) => s.task !== undefined);
  const { summary, problems } = model;
  const ops = Object.entries(summary.ops).sort((a, b) => b[1] - a[1]);
  return (
    <main className="overview" aria-label="Model" data-doc-id={model.docId}>
      <header className="toolbar">
        <h1 data-testid="model-title">
          {model.fileName}
          {model.dirty ? ' •' : ''}
        </h1>
        <span className="muted">{formatBytes(model.sizeBytes)}</span>
        <span className="spacer" />
        <button type="button" disabled={busy} onClick={() => void save()}>
          Save as…
        </button>
        <button type="button" disabled={busy} onClick={() => void close(model.docId)}>
          Close
        </button>
      </header>
      <dl className="facts" aria-label="Model facts">
        <dt>IR version</dt>
        <dd>{summary.irVersion}</dd>
        <dt>Opsets</dt>
        <dd>{Object.entries(summary.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}</dd>
        <dt>Producer</dt>
        <dd>{[summary.producer.name, summary.producer.version].filter(Boolean).join(' ') || 'unknown'}</dd>
        <dt>Nodes</dt>
        <dd data-testid="node-count">{summary.graph.nodeCount}</dd>
        <dt>Parameters</dt>
        <dd data-testid="parameter-count">{summary.graph.parameterCount.toLocaleString('en-US')}</dd>
        <dt>Weights</dt>
        <dd>{formatBytes(summary.weightBytes)}</dd>
      </dl>
      <ValueTable label="Inputs" values={summary.graph.inputs} />
      <ValueTable label="Outputs" values={summary.graph.outputs} />
      <section aria-label="Operators">
        <h2>Operators</h2>
        <table>
          <tbody>
            {ops.map(([op, n]) => (
              <tr key={op} data-op-type={op}>
                <td>{op}</td>
                <td className="num">{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-label="Validation">
        <h2>Validation</h2>
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
      </section>
    </main>
  );
}
