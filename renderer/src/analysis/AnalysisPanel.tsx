import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import { analysisToCsv, analysisToNetronAttachment, type HeatMetric } from '../../../shared/analysis/analysis-export.js';
import type { NodeCost } from '../../../shared/analysis/cost-model.js';
import { formatBytes, formatShape, formatSi } from '../../../shared/model/format.js';
import type { ModelInfo } from '../../../shared/api/dto.js';
import { MAIN } from '../../../shared/graph/graph-path.js';
import { download } from '../graph/export-image.js';
import { useGraph } from '../graph/graph-context.js';
import { useAnalysis } from './analysis-context.js';
import { OpTypeChart } from './OpTypeChart.js';

type SortKey = 'name' | 'opType' | 'macs' | 'flops' | 'params' | 'outputBytes' | 'intensity';
const COLUMNS: [SortKey, string][] = [
  ['name', 'Name'],
  ['opType', 'Op'],
  ['macs', 'MACs'],
  ['flops', 'FLOPs'],
  ['params', 'Params'],
  ['outputBytes', 'Output'],
  ['intensity', 'FLOPs/byte'],
];
const ROWS_SHOWN = 100;

function sortRows(rows: NodeCost[], key: SortKey, desc: boolean): NodeCost[] {
  const sign = desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (typeof x === 'string' || typeof y === 'string') return sign * String(x).localeCompare(String(y));
    return sign * ((x ?? -1) - (y ?? -1));
  });
}

/** Costs per layer and in total, for the input dims the user sets; colours the graph as a heat map. */
export default function AnalysisPanel({ model }: { model: ModelInfo }) {
  const result = useAnalysis((s) => s.result);
  const status = useAnalysis((s) => s.status);
  const error = useAnalysis((s) => s.error);
  const shapeText = useAnalysis((s) => s.shapeText);
  const shapeErrors = useAnalysis((s) => s.shapeErrors);
  const setShape = useAnalysis((s) => s.setShape);
  const heat = useAnalysis((s) => s.heat);
  const setHeat = useAnalysis((s) => s.setHeat);
  const reveal = useGraph((s) => s.reveal);
  const path = useGraph((s) => s.path);
  const openGraph = useGraph((s) => s.openGraph);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'flops', desc: true });
  // The chart follows the numbers by a frame: it is the slowest part to redraw, and the figures matter first.
  const chartResult = useDeferredValue(result);
  const rows = useMemo(() => (result ? sortRows(result.nodes, sort.key, sort.desc).slice(0, ROWS_SHOWN) : []), [result, sort]);
  const base = model.fileName.replace(/\.onnx$/i, '');

  // Marks the frame that shows a new result (read by `npm run bench`).
  useEffect(() => {
    if (status !== 'ready') return;
    const id = requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('analysis:painted')));
    return () => cancelAnimationFrame(id);
  }, [status, result]);

  const goTo = async (nodeIndex: number) => {
    if (path !== MAIN) await openGraph(MAIN);
    await reveal(nodeIndex);
  };

  return (
    <section className="analysis" aria-label="Analysis" data-status={status}>
      <div className="analysis-controls">
        {model.summary.graph.inputs.map((v) => (
          <label key={v.name} className="shape-input">
            {v.name}{' '}
            <input
              aria-label={`Dims of ${v.name}`}
              value={shapeText[v.name] ?? ''}
              onChange={(e) => setShape(v.name, e.target.value)}
              aria-invalid={shapeErrors[v.name] ? true : undefined}
            />
            {shapeErrors[v.name] && <span className="error-text"> {shapeErrors[v.name]}</span>}
          </label>
        ))}
        <label>
          Heat map{' '}
          <select aria-label="Heat map" value={heat} onChange={(e) => setHeat(e.target.value as HeatMetric | 'none')}>
            <option value="none">None</option>
            <option value="flops">FLOPs</option>
            <option value="params">Parameters</option>
            <option value="memory">Memory</option>
          </select>
        </label>
        <span className="spacer" />
        <button type="button" disabled={!result} onClick={() => download(new Blob([analysisToCsv(result!)], { type: 'text/csv' }), `${base}.analysis.csv`)}>
          Export CSV
        </button>
        <button type="button" disabled={!result} onClick={() => download(new Blob([JSON.stringify(result, null, 1)], { type: 'application/json' }), `${base}.analysis.json`)}>
          Export JSON
        </button>
        <button type="button" disabled={!result} onClick={() => download(new Blob([analysisToNetronAttachment(result!)], { type: 'application/json' }), `${base}.attachment.json`)}>
          Netron attachment
        </button>
      </div>
      {error && <p className="error-text">{error}</p>}
      {result && (
        <div className="analysis-body">
          <div className="analysis-summary">
            <dl className="facts" aria-label="Totals">
              <dt>MACs</dt>
              <dd data-testid="total-macs">{formatSi(result.totals.macs)}</dd>
              <dt>FLOPs</dt>
              <dd data-testid="total-flops">{formatSi(result.totals.flops)}</dd>
              <dt>Parameters</dt>
              <dd>{result.totals.params.toLocaleString('en-US')}</dd>
              <dt>Weights</dt>
              <dd>{formatBytes(result.totals.weightBytes)}</dd>
              <dt>Activations</dt>
              <dd>{formatBytes(result.totals.activationBytes)}</dd>
              <dt>Peak memory</dt>
              <dd>
                {formatBytes(result.totals.peakActivationBytes)} <span className="muted">after {result.totals.peakNode}</span>
              </dd>
            </dl>
            {result.incomplete.length > 0 && <p className="warning-text">{result.incomplete.length} node(s) have unknown or symbolic dims and are not counted; set the input dims above.</p>}
            {Object.keys(result.unsupported).length > 0 && (
              <p className="muted">No shape rules for: {Object.entries(result.unsupported).map(([op, n]) => `${op} ×${n}`).join(', ')}.</p>
            )}
            {chartResult && <OpTypeChart analysis={chartResult} />}
          </div>
          <div className="analysis-table">
            <table aria-label="Per-layer costs">
              <thead>
                <tr>
                  {COLUMNS.map(([key, label]) => (
                    <th key={key} aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                      <button type="button" className="link" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key !== 'name' && key !== 'opType' })}>
                        {label}
                        {sort.key === key ? (sort.desc ? ' ▾' : ' ▴') : ''}
                      </button>
                    </th>
                  ))}
                  <th>Shape</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((n) => (
                  <tr key={n.nodeIndex} data-node-index={n.nodeIndex} onClick={() => void goTo(n.nodeIndex)}>
                    <td className="name-cell">{n.name}</td>
                    <td>{n.opType}</td>
                    <td className="num">{n.macs === null ? '?' : formatSi(n.macs)}</td>
                    <td className="num">{n.flops === null ? '?' : formatSi(n.flops)}</td>
                    <td className="num">{n.params.toLocaleString('en-US')}</td>
                    <td className="num">{n.outputBytes === null ? '?' : formatBytes(n.outputBytes)}</td>
                    <td className="num">{n.intensity === null ? '?' : n.intensity.toFixed(1)}</td>
                    <td>{n.outputShapes.map((s) => formatShape(s, '×')).join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {result.nodes.length > ROWS_SHOWN && <p className="muted">Showing {ROWS_SHOWN} of {result.nodes.length} layers; export CSV for all.</p>}
          </div>
        </div>
      )}
    </section>
  );
}
