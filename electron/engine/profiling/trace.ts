import type { TraceEvent } from '../../../shared/profile/trace-event.js';

export type { TraceEvent };

export interface KernelTime {
  /** The runtime's node name (after optimization). */
  kernel: string;
  opType: string;
  provider: string;
  /** Output shapes as the runtime reports them, e.g. '[1×64×112×112]'. */
  shape: string;
  /** Mean microseconds per run. */
  us: number;
}

const KERNEL_SUFFIX = '_kernel_time';

/**
 * Mean time per kernel over the last `runs` model runs of a trace (earlier runs are warm-up), and the
 * mean duration of those runs as the runtime measured them.
 */
export function kernelTimes(events: TraceEvent[], runs: number): { kernels: KernelTime[]; runUs: number } {
  const modelRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts).slice(-runs);
  const inRun = (e: TraceEvent) => modelRuns.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur);
  const byKernel = new Map<string, KernelTime>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith(KERNEL_SUFFIX) || !inRun(e)) continue;
    const kernel = e.name.slice(0, -KERNEL_SUFFIX.length);
    const shape = (e.args?.output_type_shape ?? []).map((o) => `[${(Object.values(o)[0] ?? []).join('×')}]`).join(' ');
    const k = byKernel.get(kernel) ?? { kernel, opType: e.args?.op_name ?? '', provider: e.args?.provider ?? '', shape, us: 0 };
    k.us += e.dur;
    byKernel.set(kernel, k);
  }
  const n = Math.max(1, modelRuns.length);
  for (const k of byKernel.values()) k.us /= n;
  return { kernels: [...byKernel.values()], runUs: modelRuns.reduce((a, r) => a + r.dur, 0) / n };
}
