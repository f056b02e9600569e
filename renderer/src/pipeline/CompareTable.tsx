import type { CompareResult } from '../../../shared/metrics/compare-types.js';
import { formatBytes } from '../../../shared/model/format.js';

const percent = (v: number | undefined) => (v === undefined ? '—' : `${(100 * v).toFixed(2)}%`);

/** A Compare node's comparison table: the reference first, then each variant against it. */
export function CompareTable({ result, failures, onClose }: { result: CompareResult; failures?: string[]; onClose(): void }) {
  return (
    <section className="pipeline-compare" role="dialog" aria-label="Comparison">
      <header>
        <h2>
          Comparison on {result.dataset} ({result.samples} samples, {result.backend})
        </h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <table>
        <thead>
          <tr>
            <th>Model</th>
            <th>Precision</th>
            <th>Size</th>
            <th>Latency p50</th>
            <th>Top-1</th>
            <th>Top-5</th>
            <th>Agreement</th>
            <th>Cosine</th>
            <th>SQNR</th>
          </tr>
        </thead>
        <tbody>
          {result.models.map((m) => (
            <tr key={m.label}>
              <td>{m.label}</td>
              <td>{m.precision}</td>
              <td>{formatBytes(m.sizeBytes)}</td>
              <td>{m.latencyMsP50.toFixed(2)} ms</td>
              <td>{percent(m.top1)}</td>
              <td>{percent(m.top5)}</td>
              <td>{percent(m.agreementTop1)}</td>
              <td>{m.cosine.toFixed(5)}</td>
              <td>{m.sqnrDb === null ? '∞' : `${m.sqnrDb.toFixed(1)} dB`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {failures && failures.length > 0 && (
        <ul className="pipeline-compare-failures" aria-label="Broken thresholds">
          {failures.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
