import type { Dim } from '../model/tensor-info.js';

export type { Dim };

/**
 * Dimension arithmetic that keeps symbols: numbers fold, symbols stay readable ('batch*16'), and an
 * unknown operand makes the result unknown (null) rather than guessed.
 */
function wrap(d: Dim): string {
  return typeof d === 'string' && /[+\-*/]/.test(d) ? `(${d})` : String(d);
}

/**
 * Symbolic expressions longer than this become unknown: a chain of Mul(s, s) on a shape doubles the
 * text at every node, and a hostile model could exhaust memory with a few dozen nodes.
 */
export const MAX_SYMBOL_LENGTH = 200;

function symbol(text: string): Dim {
  return text.length <= MAX_SYMBOL_LENGTH ? text : null;
}

export function dimMul(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === 0 || b === 0) return 0;
  return symbol(`${wrap(a)}*${wrap(b)}`);
}

export function dimAdd(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  return symbol(`${wrap(a)}+${wrap(b)}`);
}

/** Floor division, as ONNX output-size formulas use. */
export function dimDiv(a: Dim, b: Dim): Dim {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? null : Math.floor(a / b);
  if (b === 1) return a;
  return symbol(`${wrap(a)}/${wrap(b)}`);
}

export function dimsProduct(dims: readonly Dim[]): Dim {
  return dims.reduce<Dim>((acc, d) => dimMul(acc, d), 1);
}

/** Numeric value of a shape's element count, or null when a dim is symbolic or unknown. */
export function numericProduct(dims: readonly Dim[] | null | undefined): number | null {
  if (!dims) return null;
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

/** Numpy-style broadcasting of two shapes; null when they cannot broadcast. */
export function broadcast(a: readonly Dim[], b: readonly Dim[]): Dim[] | null {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const y = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else if (x === y) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number') return null;
    else out.push(typeof x === 'number' ? x : typeof y === 'number' ? y : x === null ? y : x);
  }
  return out;
}

/**
 * A named dim for a size only the data decides (how many elements NonZero finds, how many boxes
 * NonMaxSuppression keeps, a TopK whose K is computed from data), as onnx's shape inference names its
 * unk__N dims: known to be one fixed size per run, so it counts as a known shape. The name is built from
 * the node's name, so every use of the same value reads the same symbol, and holds only letters,
 * digits and '_' (starting with a letter), so dim arithmetic never mistakes it for an expression.
 */
export function dataDependentDim(nodeName: string | undefined, opType: string | undefined, what: string): Dim {
  const cleaned = (nodeName || opType || 'node').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
  // A leading digit would read as a coefficient in a monomial ('12_count' is no symbol).
  const base = /^\d/.test(cleaned) ? `n${cleaned}` : cleaned;
  return symbol(`${base}_${what}`);
}

/** Normalizes a possibly negative axis for a rank; undefined when out of range. */
export function axisOf(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}
