import { readFileSync } from 'node:fs';
import os from 'node:os';

/** One line naming the machine, printed with every benchmark so figures stay attributable. */
export function machineLine(): string {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Runs fn `runs` times after one warm-up and returns the median milliseconds. */
export async function timeMs(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}
