import type { ModelInfo, QuantizeResult } from '../../shared/api/dto.js';
import type { CompareResult, LayerErrorResult } from '../../shared/metrics/compare-types.js';
import type { Analysis } from '../../shared/analysis/cost-model.js';
import type { ProfileResult } from '../../shared/profile/profile-types.js';
import { formatBytes, formatShape, formatSi } from '../../shared/model/format.js';
import type { ValueSummary } from '../../shared/model/summary.js';

function formatValue(v: ValueSummary): string {
  return `  ${v.name}  ${v.type}${formatShape(v.shape)}`;
}

/** The human-readable inspect report. */
export function formatInspect(info: ModelInfo): string {
  const s = info.summary;
  const opsets = Object.entries(s.opsets).map(([d, v]) => `${d} ${v}`).join(', ') || 'none';
  const producer = [s.producer.name, s.producer.version].filter(Boolean).join(' ') || 'unknown';
  const ops = Object.entries(s.ops).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} x${n}`).join(', ');
  const errors = info.problems.filter((p) => p.severity === 'error');
  const warnings = info.problems.filter((p) => p.severity === 'warning');
  const lines = [
    `${info.fileName}  ${formatBytes(info.sizeBytes)}`,
    `IR version ${s.irVersion}; opsets: ${opsets}; producer: ${producer}`,
    'Inputs:',
    ...s.graph.inputs.map(formatValue),
    'Outputs:',
    ...s.graph.outputs.map(formatValue),
    `Nodes: ${s.graph.nodeCount} (${s.graph.nodeCountTotal} with subgraphs); initializers: ${s.graph.initializerCount}; parameters: ${s.graph.parameterCount.toLocaleString('en-US')}; weights: ${formatBytes(s.weightBytes)}${s.externalDataBytes ? ` (${formatBytes(s.externalDataBytes)} external)` : ''}`,
    `Ops: ${ops || 'none'}`,
  ];
  if (s.functions.length > 0) lines.push(`Local functions: ${s.functions.join(', ')}`);
  if (info.problems.length === 0) lines.push('Validation: no problems found');
  else {
    lines.push(`Validation: ${errors.length} error(s), ${warnings.length} warning(s)`);
    for (const p of info.problems) lines.push(`  ${p.severity}: ${p.message} [${p.graphPath}]`);
  }
  return lines.join('\n');
}

/** The human-readable analyze report: totals, then the heaviest layers. */
export function formatAnalysis(fileName: string, a: Analysis): string {
  const t = a.totals;
  const heaviest = [...a.nodes].sort((x, y) => (y.flops ?? 0) - (x.flops ?? 0)).slice(0, 10);
  const lines = [
    `${fileName}: ${formatSi(t.macs)}MACs, ${formatSi(t.flops)}FLOPs, ${t.params.toLocaleString('en-US')} parameters (${formatBytes(t.weightBytes)})`,
    `Activations: ${formatBytes(t.activationBytes)} in total, peak ${formatBytes(t.peakActivationBytes)}${t.peakNode ? ` after ${t.peakNode}` : ''}`,
    ...(t.macsAtBounds !== undefined ? [`At most ${formatSi(t.macsAtBounds)}MACs when every data-dependent dim (boxes kept, elements found) takes its largest size`] : []),
    'Heaviest layers (by FLOPs):',
    ...heaviest.map((n) => `  ${n.name}  ${n.opType}  ${formatSi(n.flops ?? 0)}FLOPs  ${n.outputShapes.map((s) => formatShape(s)).join(' ')}`),
  ];
  const unsupported = Object.entries(a.unsupported);
  if (unsupported.length > 0) lines.push(`Ops without shape rules (outputs from the file or unknown): ${unsupported.map(([op, n]) => `${op} x${n}`).join(', ')}`);
  if (a.incomplete.length > 0) lines.push(`${a.incomplete.length} node(s) have unknown or symbolic shapes and are not counted; give input dims with --shape NAME=DIMS.`);
  return lines.join('\n');
}

/** The human-readable profile report: latency, then the slowest layers. */
export function formatProfile(fileName: string, p: ProfileResult): string {
  const l = p.latencyMs;
  const f = (ms: number) => ms.toFixed(2);
  return [
    `${fileName} on ${p.backend} (optimization ${p.optimization}), ${p.runs} runs: mean ${f(l.mean)} ms, p50 ${f(l.p50)}, p90 ${f(l.p90)}, p99 ${f(l.p99)}, min ${f(l.min)}, max ${f(l.max)}`,
    `Per-layer times cover ${(100 * p.coverage).toFixed(1)}% of the run (${f(p.nodesTotalMs)} ms); peak memory ${formatBytes(p.peakRssBytes)}`,
    `Inputs fed: ${Object.entries(p.shapesRun).map(([name, dims]) => `${name}=${dims.join('x') || 'scalar'}`).join(', ')}${p.assumedDims ? ` (assumed ${Object.entries(p.assumedDims).map(([d, v]) => `${d} = ${v}`).join(', ')}; set them with --shape NAME=DIMS)` : ''}`,
    ...(p.throughputError ? [p.throughputError] : []),
    'Slowest layers:',
    ...p.nodes.slice(0, 15).map((n) => `  ${f(n.ms)} ms  ${n.pct.toFixed(1).padStart(5)}%  ${n.opType}  ${n.name}${n.fusedFrom ? `  (fuses ${n.fusedFrom.join(', ')})` : ''}`),
  ].join('\n');
}

export function formatQuantize(r: QuantizeResult, seconds: number): string {
  const lines = [
    `Wrote ${r.output ?? r.fileName} (${r.mode}): ${formatBytes(r.sizeAfter)}, ${Math.round((100 * r.sizeAfter) / r.sizeBefore)}% of ${formatBytes(r.sizeBefore)}, in ${seconds} s`,
    `${r.mode === 'fp16' ? 'Converted' : 'Quantized'} ${r.quantizedNodes} nodes${r.excludedNodes.length > 0 ? `; left ${r.excludedNodes.length} in float` : ''}`,
  ];
  if (r.mode === 'int8-static') {
    lines.push(`Calibrated on ${r.calibrationSamples} samples${r.skippedSamples > 0 ? `; skipped ${r.skippedSamples} unreadable or wrongly sized files` : ''}`);
    for (const s of r.skippedExamples) lines.push(`  skipped ${s}`);
  }
  for (const x of r.excludedNodes) lines.push(`  ${x.name} (${x.opType}): ${x.reason}`);
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  if (r.accuracy) {
    const a = r.accuracy;
    lines.push(`Accuracy target: at most ${a.maxDropPoints} points below FP32 top-1 ${(100 * a.referenceTop1).toFixed(2)}% — ${a.met ? 'met' : `not met: wrote the best model found, step ${a.chosenStep + 1} (drop ${a.steps[a.chosenStep]!.dropPoints.toFixed(2)} points)`}`);
    for (const [i, st] of a.steps.entries()) lines.push(`  step ${i + 1}: top-1 ${(100 * st.top1).toFixed(2)}% (drop ${st.dropPoints.toFixed(2)}), in float: ${st.excluded.join(', ') || 'nothing'}`);
  }
  return lines.join('\n');
}

export function formatCompare(r: CompareResult, layers: (LayerErrorResult | undefined)[]): string {
  const pct = (v: number | undefined) => (v === undefined ? '-' : `${(100 * v).toFixed(2)}%`);
  const rows = [
    ['model', 'precision', 'size', 'p50 ms', 'top-1', 'top-5', 'agree', 'cosine', 'SQNR dB', 'max |err|'],
    ...r.models.map((m) => [
      m.label,
      m.precision,
      formatBytes(m.sizeBytes),
      m.latencyMsP50.toFixed(2),
      pct(m.top1),
      pct(m.top5),
      pct(m.agreementTop1),
      m.cosine.toFixed(5),
      m.sqnrDb === null ? 'identical' : m.sqnrDb.toFixed(1),
      m.maxAbsErr.toPrecision(3),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = [`${r.samples} samples from ${r.dataset} on ${r.backend}${r.skipped ? ` (${r.skipped} skipped)` : ''}; reference ${r.reference}`, ''];
  for (const row of rows) lines.push(row.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  '));
  const total = r.disagreements.length + r.moreDisagreements;
  if (total > 0) lines.push('', `${total} sample${total === 1 ? '' : 's'} where a variant's top-1 differs from the reference's${r.disagreements.length ? `, e.g. ${r.disagreements.slice(0, 3).map((d) => d.sample).join(', ')}` : ''}`);
  layers.forEach((l, i) => {
    if (!l) return;
    lines.push('', `Worst layers of ${r.models[i]!.label} (SQNR over ${l.samples} samples):`);
    for (const x of l.layers.slice(0, 10)) lines.push(`  ${(x.sqnrDb === null ? 'identical' : `${x.sqnrDb.toFixed(1)} dB`).padStart(9)}  ${x.tensor}${x.nodeName ? ` (${x.opType} ${x.nodeName})` : ''}`);
  });
  return lines.join('\n');
}
