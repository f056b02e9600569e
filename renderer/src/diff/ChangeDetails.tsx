import type { DiffNodeMark } from '../../../shared/diff/merged-graph.js';
import type { InitializerDifference } from '../../../shared/diff/initializer-difference.js';
import { quantizedNote } from './change-list.js';

const STATUS_TEXT = { added: 'Added in B', removed: 'Removed from A', changed: 'Changed', quantized: 'Quantized', same: 'Unchanged' } as const;

function initializerText(d: InitializerDifference): string {
  if (d.a !== undefined || d.b !== undefined) return `${d.a ?? '?'} → ${d.b ?? '?'}`;
  if (d.maxAbsDiff === null) return 'values differ (cannot be compared element by element)';
  return `largest absolute difference ${Number.isFinite(d.maxAbsDiff) ? d.maxAbsDiff.toPrecision(4) : 'NaN on one side'}`;
}

/** The side panel's account of one node: rename, quantization, attribute, input and weight changes. */
export function ChangeDetails({ mark, name }: { mark: DiffNodeMark; name: string }) {
  const c = mark.change;
  return (
    <section className="diff-details" aria-label="Change details" data-change-status={mark.status}>
      <h2>
        <span className={`diff-badge diff-${mark.status}`}>{STATUS_TEXT[mark.status]}</span> {mark.opType} <span className="muted">{name}</span>
      </h2>
      {c && c.a !== c.b && (
        <p>
          Renamed from <code>{c.a || '(no name)'}</code> to <code>{c.b || '(no name)'}</code>
        </p>
      )}
      {mark.quantized && <p>{quantizedNote(mark.quantized)}</p>}
      {c?.attributes && (
        <table aria-label="Attribute changes">
          <thead>
            <tr>
              <th>attribute</th>
              <th>A</th>
              <th>B</th>
            </tr>
          </thead>
          <tbody>
            {c.attributes.map((x) => (
              <tr key={x.name}>
                <td>{x.name}</td>
                <td>{x.a ?? '(none)'}</td>
                <td>{x.b ?? '(none)'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c?.inputs && (
        <table aria-label="Input changes">
          <thead>
            <tr>
              <th>input</th>
              <th>A reads</th>
              <th>B reads</th>
            </tr>
          </thead>
          <tbody>
            {c.inputs.map((x) => (
              <tr key={x.index}>
                <td>{x.index}</td>
                <td>
                  {x.a || '(none)'}
                  {x.fromA && <span className="muted"> from {x.fromA}</span>}
                </td>
                <td>
                  {x.b || '(none)'}
                  {x.fromB && <span className="muted"> from {x.fromB}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c?.initializers && (
        <table aria-label="Initializer changes">
          <thead>
            <tr>
              <th>initializer</th>
              <th>difference</th>
            </tr>
          </thead>
          <tbody>
            {c.initializers.map((x) => (
              <tr key={x.name}>
                <td>{x.name}</td>
                <td>{initializerText(x)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mark.status === 'same' && <p className="muted">The same in both models.</p>}
    </section>
  );
}
