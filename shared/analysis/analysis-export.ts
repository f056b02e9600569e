import type { Analysis, NodeCost } from './cost-model.js';
import type { Dim } from './dims.js';

export type HeatMetric = 'flops' | 'params' | 'memory';

const metricOf: Record<HeatMetric, (n: NodeCost) => number> = {
  flops: (n) => n.flops ?? 0,
  params: (n) => n.params,
  memory: (n) => n.outputBytes ?? 0,
};

/**
 * Heat per node index in [0, 1] on a logarithmic scale (costs span orders of magnitude: a linear
 * scale would show one hot Conv and nothing else).
 */
export function heatValues(analysis: Analysis, metric: HeatMetric): Map<number, number> {
  const value = metricOf[metric];
  const max = Math.max(0, ...analysis.nodes.map(value));
  const out = new Map<number, number>();
  if (max <= 0) return out;
  const top = Math.log1p(max);
  for (const n of analysis.nodes) {
    const v = value(n);
    if (v > 0) out.set(n.nodeIndex, Math.log1p(v) / top);
  }
  return out;
}

function shapeText(shapes: (Dim[] | null)[]): string {
  return shapes.map((s) => (s ? `[${s.map((d) => (d === null ? '?' : d)).join('x')}]` : '[?]')).join(' ');
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per node, in execution order, with every metric. */
export function analysisToCsv(analysis: Analysis): string {
  const header = ['name', 'opType', 'outputShapes', 'macs', 'flops', 'params', 'weightBytes', 'outputBytes', 'bytesMoved', 'intensity'];
  const rows = analysis.nodes.map((n) =>
    [n.name, n.opType, shapeText(n.outputShapes), n.macs, n.flops, n.params, n.weightBytes, n.outputBytes, n.bytesMoved, n.intensity === null ? null : Number(n.intensity.toFixed(4))].map(csvCell).join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

/**
 * A Netron attachment file: open it in Netron next to the model, and every node shows these metrics
 * in its sidebar (entries are matched by node name).
 */
export function analysisToNetronAttachment(analysis: Analysis): string {
  const metrics: { kind: string; target: string; name: string; value: number }[] = [];
  const t = analysis.totals;
  for (const [name, value] of Object.entries({ macs: t.macs, flops: t.flops, parameters: t.params, peak_activation_bytes: t.peakActivationBytes })) {
    metrics.push({ kind: 'model', target: '', name, value });
  }
  for (const n of analysis.nodes) {
    if (!n.name || n.name.includes('\n')) continue; // Netron matches by the name up to its first line break
    const entries: [string, number | null][] = [['macs', n.macs], ['flops', n.flops], ['parameters', n.params], ['output_bytes', n.outputBytes], ['arithmetic_intensity', n.intensity]];
    for (const [name, value] of entries) if (value !== null) metrics.push({ kind: 'node', target: n.name, name, value });
  }
  return JSON.stringify({ signature: 'netron:attachment', metadata: [], metrics }, null, 1);
}
