import type { CompareResult, ModelMetrics } from './compare-types.js';

/** The rows of the comparison table: label, how to read a model's value, and which direction is better. */
export interface MetricRow {
  key: string;
  label: string;
  value(m: ModelMetrics): number | null | undefined;
  format(v: number): string;
  better: 'higher' | 'lower';
  /** Measured against the reference, which is trivially perfect there: the best is sought among the variants. */
  relative?: boolean;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export const METRIC_ROWS: MetricRow[] = [
  { key: 'top1', label: 'Top-1 accuracy', value: (m) => m.top1, format: pct, better: 'higher' },
  { key: 'top5', label: 'Top-5 accuracy', value: (m) => m.top5, format: pct, better: 'higher' },
  { key: 'agreementTop1', relative: true, label: 'Top-1 agreement with reference', value: (m) => m.agreementTop1, format: pct, better: 'higher' },
  { key: 'cosine', relative: true, label: 'Cosine similarity', value: (m) => m.cosine, format: (v) => v.toFixed(5), better: 'higher' },
  { key: 'sqnrDb', relative: true, label: 'SQNR (dB)', value: (m) => m.sqnrDb ?? Number.POSITIVE_INFINITY, format: (v) => (Number.isFinite(v) ? v.toFixed(1) : 'identical'), better: 'higher' },
  { key: 'maxAbsErr', relative: true, label: 'Max absolute error', value: (m) => m.maxAbsErr, format: (v) => v.toPrecision(3), better: 'lower' },
  { key: 'latencyMsP50', label: 'Latency p50 (ms)', value: (m) => m.latencyMsP50, format: (v) => v.toFixed(2), better: 'lower' },
  { key: 'sizeBytes', label: 'Size (bytes)', value: (m) => m.sizeBytes, format: (v) => v.toLocaleString('en-US'), better: 'lower' },
];

/** Which models hold the best value of a row (ties share it); none when the row has no values. */
export function bestOf(row: MetricRow, models: ModelMetrics[]): Set<number> {
  const values = models.map((m, i) => (row.relative && i === 0 ? undefined : row.value(m)));
  const present = values.filter((v): v is number => typeof v === 'number');
  if (present.length < (row.relative ? 1 : 2)) return new Set();
  const best = row.better === 'higher' ? Math.max(...present) : Math.min(...present);
  return new Set(values.flatMap((v, i) => (v === best ? [i] : [])));
}

/** Rows present in this result (accuracy rows only for labelled data). */
export function visibleRows(r: CompareResult): MetricRow[] {
  return METRIC_ROWS.filter((row) => r.models.some((m) => row.value(m) !== undefined));
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function compareToCsv(r: CompareResult): string {
  const header = ['metric', ...r.models.map((m) => `${m.label} (${m.precision})`)];
  const rows = visibleRows(r).map((row) => [row.label, ...r.models.map((m) => {
    const v = row.value(m);
    return v === undefined || v === null ? '' : Number.isFinite(v) ? String(v) : 'inf';
  })]);
  return [header, ...rows].map((line) => line.map(csvField).join(',')).join('\n') + '\n';
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Accuracy (or agreement) against latency, as inline SVG. */
function scatterSvg(r: CompareResult): string {
  const y = (m: ModelMetrics) => m.top1 ?? m.agreementTop1;
  const xs = r.models.map((m) => m.latencyMsP50);
  const ys = r.models.map(y);
  const [x0, x1] = [0, Math.max(...xs) * 1.15 || 1];
  const [y0, y1] = [Math.max(0, Math.min(...ys) - 0.02), Math.min(1, Math.max(...ys) + 0.01)];
  const px = (v: number) => 50 + ((v - x0) / (x1 - x0)) * 380;
  const py = (v: number) => 230 - ((v - y0) / (y1 - y0 || 1)) * 200;
  const dots = r.models
    .map((m, i) => `<circle cx="${px(xs[i]!).toFixed(1)}" cy="${py(ys[i]!).toFixed(1)}" r="5" fill="#2f6fdf"/><text x="${(px(xs[i]!) + 8).toFixed(1)}" y="${(py(ys[i]!) + 4).toFixed(1)}" font-size="11">${escapeHtml(m.label)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="560" height="260" role="img" aria-label="Accuracy against latency"><line x1="50" y1="230" x2="440" y2="230" stroke="#888"/><line x1="50" y1="30" x2="50" y2="230" stroke="#888"/><text x="240" y="255" font-size="11">latency p50 (ms)</text><text x="4" y="20" font-size="11">${r.models.some((m) => m.top1 !== undefined) ? 'top-1' : 'agreement'}</text>${dots}</svg>`;
}

/** A self-contained HTML report: the table with best values marked, the chart, and the disagreements. */
export function compareToHtml(r: CompareResult): string {
  const rows = visibleRows(r)
    .map((row) => {
      const best = bestOf(row, r.models);
      const cells = r.models.map((m, i) => {
        const v = row.value(m);
        const text = v === undefined || v === null ? '–' : row.format(v);
        return `<td${best.has(i) ? ' class="best"' : ''}>${escapeHtml(text)}${best.has(i) ? ' ★' : ''}</td>`;
      });
      return `<tr><th>${escapeHtml(row.label)}</th>${cells.join('')}</tr>`;
    })
    .join('\n');
  const disagreements = r.disagreements
    .map((d) => `<li>${escapeHtml(d.sample)}${d.label ? ` (label ${escapeHtml(d.label)})` : ''}: reference ${escapeHtml(d.reference)}; ${Object.entries(d.variants).map(([k, v]) => `${escapeHtml(k)} ${escapeHtml(v)}`).join(', ')}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ONNX Studio comparison: ${escapeHtml(r.reference)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{text-align:left}td.best{background:#e6f4ea;font-weight:600}</style></head>
<body><h1>Comparison against ${escapeHtml(r.reference)}</h1>
<p>${r.samples} samples from ${escapeHtml(r.dataset)} on ${escapeHtml(r.backend)}${r.skipped ? `, ${r.skipped} skipped` : ''}.</p>
<table><thead><tr><th>metric</th>${r.models.map((m) => `<th>${escapeHtml(m.label)}<br><small>${m.precision}</small></th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
${scatterSvg(r)}
<h2>Disagreements with the reference (${r.disagreements.length + r.moreDisagreements})</h2>
<ul>${disagreements}</ul>
</body></html>
`;
}
