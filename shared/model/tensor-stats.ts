import { dataTypeName } from '../onnx/data-types.js';
import type { TensorProto } from '../onnx/types.js';
import { elementCount } from './tensor-info.js';
import { elementReader } from './tensor-values.js';

export interface TensorStats {
  name: string;
  type: string;
  shape: number[];
  elements: number;
  bytes: number;
  /** False for element types without a numeric reading here (strings, float8, 4-bit); then only the header is set. */
  numeric: boolean;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  zeros?: number;
  nonFinite?: number;
  /** Equal-width bins over [min, max] of the finite values. */
  histogram?: { min: number; max: number; counts: number[] };
  /** The first values in storage order. */
  first?: number[];
}

const HISTOGRAM_BINS = 40;
const FIRST_VALUES = 32;

/**
 * Statistics of a tensor's values. `raw` is the tensor's bytes when they live outside the proto
 * (external data); otherwise raw_data or the typed fields are read.
 */
export function tensorStats(t: TensorProto, raw?: Uint8Array): TensorStats {
  const shape = (t.dims ?? []).map(Number);
  const elements = elementCount(t.dims);
  const bytes = raw ?? t.rawData;
  const read = elementReader(t, raw);
  const header = { name: t.name ?? '', type: dataTypeName(t.dataType), shape, elements, bytes: bytes?.length ?? 0 };
  if (!read) return { ...header, numeric: false };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSq = 0;
  let zeros = 0;
  let nonFinite = 0;
  const first: number[] = [];
  for (let i = 0; i < elements; i++) {
    const v = read(i);
    if (i < FIRST_VALUES) first.push(v);
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v === 0) zeros++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSq += v * v;
  }
  const finite = elements - nonFinite;
  if (finite === 0) return { ...header, numeric: true, zeros, nonFinite, first };
  const mean = sum / finite;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  const width = (max - min) / HISTOGRAM_BINS;
  for (let i = 0; i < elements; i++) {
    const v = read(i);
    if (!Number.isFinite(v)) continue;
    counts[width === 0 ? 0 : Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) / width))]!++;
  }
  return {
    ...header,
    numeric: true,
    min,
    max,
    mean,
    std: Math.sqrt(Math.max(0, sumSq / finite - mean * mean)),
    zeros,
    nonFinite,
    histogram: { min, max, counts },
    first,
  };
}
