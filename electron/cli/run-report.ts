import { compareToHtml } from '../../shared/metrics/compare-export.js';
import type { CompareResult } from '../../shared/metrics/compare-types.js';

interface RunSummary {
  recipe: string;
  model: string;
  output: string | null;
  seconds: number;
  passed: boolean;
  failures: string[];
  steps: { id: string; kind: string; status: string; summary: string }[];
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function formatRun(s: RunSummary, reportFile: string): string {
  const lines = s.steps.map((st) => `${st.status === 'failed' ? 'FAILED ' : st.status === 'skipped' ? 'skipped' : 'done   '} ${st.id.padEnd(12)} ${st.summary}`);
  lines.push(s.output ? `Wrote ${s.output}` : 'No output written (give -o OUT).');
  lines.push(`${s.passed ? 'All thresholds passed' : `${s.failures.length} threshold(s) failed`} in ${s.seconds} s; report: ${reportFile}`);
  return lines.join('\n');
}

/** The run report: steps with their outcome, broken thresholds, and each comparison's table. */
export function recipeReportHtml(s: RunSummary, report: { steps: { id: string; compare?: CompareResult }[] }): string {
  const steps = s.steps.map((st) => `<tr class="${st.status}"><td>${escapeHtml(st.id)}</td><td>${st.kind}</td><td>${st.status}</td><td>${escapeHtml(st.summary)}</td></tr>`).join('\n');
  const comparisons = report.steps
    .filter((st): st is typeof st & { compare: CompareResult } => st.compare !== undefined)
    .map((st) => {
      // The comparison report's own body, without its document wrapper.
      const body = /<body>([\s\S]*)<\/body>/.exec(compareToHtml(st.compare))?.[1] ?? '';
      return `<section><h2>Step ${escapeHtml(st.id)}</h2>${body}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ONNX Studio recipe run</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}tr.failed td{background:#fde8e8}td.best{background:#e6f4ea;font-weight:600}</style></head>
<body><h1>Recipe run: ${s.passed ? 'passed' : 'FAILED'}</h1>
<p>${escapeHtml(s.recipe)} on ${escapeHtml(s.model)}${s.output ? `, output ${escapeHtml(s.output)}` : ''}, ${s.seconds} s.</p>
${s.failures.length ? `<ul>${s.failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : ''}
<table><thead><tr><th>step</th><th>kind</th><th>status</th><th>result</th></tr></thead><tbody>
${steps}
</tbody></table>
${comparisons}
</body></html>
`;
}
