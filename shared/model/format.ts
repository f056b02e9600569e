import type { Dim } from './tensor-info.js';

/** 97341 -> '95.1 KB' (binary units, as file managers show sizes). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** [1, 'batch', null] -> '[1,batch,?]'; a shape the file does not record is '[?]'. */
export function formatShape(shape: Dim[] | null, separator = ','): string {
  if (shape === null) return '[?]';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(separator)}]`;
}

/** 1234567 -> '1.23 M' (decimal prefixes, as MACs and FLOPs are quoted); append the unit. */
export function formatSi(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e12) return `${(n / 1e12).toFixed(2)} T`;
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(2)} K`;
  return `${n} `;
}
