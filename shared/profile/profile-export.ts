import type { ProfileResult } from './profile-types.js';
import type { TraceEvent } from './trace-event.js';

/** Chrome trace format (a JSON object with traceEvents): opens in Perfetto and chrome://tracing. */
export function chromeTrace(events: TraceEvent[]): string {
  return JSON.stringify({ traceEvents: events.map((e) => ({ ph: 'X', pid: 1, tid: 1, ...e })), displayTimeUnit: 'ms' });
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per kernel, slowest first. */
export function profileToCsv(p: ProfileResult): string {
  const rows = p.nodes.map((n) => [n.name, n.opType, n.ms.toFixed(4), n.pct.toFixed(2), n.shape, n.provider, (n.fusedFrom ?? []).join(' ')].map(csvCell).join(','));
  return ['kernel,opType,ms,pct,shape,provider,fusedFrom', ...rows].join('\n') + '\n';
}

/**
 * A Netron attachment: each graph node gets the time of the kernel that computes it (nodes fused
 * into one kernel share its time, and name it).
 */
export function profileToNetronAttachment(p: ProfileResult): string {
  const metrics: { kind: string; target: string; name: string; value: number }[] = [
    { kind: 'model', target: '', name: 'latency_mean_ms', value: p.latencyMs.mean },
    { kind: 'model', target: '', name: 'latency_p90_ms', value: p.latencyMs.p90 },
  ];
  const metadata: { kind: string; target: string; name: string; value: string }[] = [];
  for (const n of p.nodes) {
    for (const target of n.fusedFrom ?? [n.name]) {
      if (!target || target.includes('\n')) continue;
      metrics.push({ kind: 'node', target, name: 'kernel_time_ms', value: n.ms }, { kind: 'node', target, name: 'kernel_time_pct', value: n.pct });
      if (n.fusedFrom) metadata.push({ kind: 'node', target, name: 'fused_kernel', value: n.name });
    }
  }
  return JSON.stringify({ signature: 'netron:attachment', metadata, metrics }, null, 1);
}

/** Heat per graph node index (0..1, log scale) from kernel times. */
export function profileHeat(p: ProfileResult): Map<number, number> {
  const max = Math.max(0, ...p.nodes.map((n) => n.ms));
  const out = new Map<number, number>();
  if (max <= 0) return out;
  const top = Math.log1p(max * 1000);
  for (const n of p.nodes) for (const i of n.nodeIndices) out.set(i, Math.max(out.get(i) ?? 0, Math.log1p(n.ms * 1000) / top));
  return out;
}
