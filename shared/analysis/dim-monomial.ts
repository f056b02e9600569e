import type { Dim } from '../model/tensor-info.js';

/**
 * A symbolic dim read as a monomial: a number times a product of symbols ('batch*12' is 12 x batch).
 * Reshape's -1 divides such a product by numbers; reading it as a monomial lets the quotient come
 * out as 'batch' or 'batch*12' rather than '((batch*12)*16.41)*0.0051', and lets two spellings of the
 * same size compare equal.
 */
export interface Monomial {
  coefficient: number;
  /** Symbol names, sorted; a symbol used twice appears twice. */
  symbols: string[];
}

const TOKEN = /\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_][\w]*|[*/()])/y;

function tokens(text: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    out.push(m[1]!);
  }
  return out;
}

/** Parses products and quotients of numbers, symbols and parentheses; anything else (a sum) is not a monomial. */
export function parseMonomial(dim: Dim): Monomial | undefined {
  if (typeof dim === 'number') return { coefficient: dim, symbols: [] };
  if (dim === null) return undefined;
  const t = tokens(dim);
  if (!t) return undefined;
  let at = 0;
  const factor = (): Monomial | undefined => {
    const tok = t[at++];
    if (tok === undefined) return undefined;
    if (tok === '(') {
      const inner = product();
      return t[at++] === ')' ? inner : undefined;
    }
    if (/^\d/.test(tok)) return { coefficient: Number(tok), symbols: [] };
    if (/^[A-Za-z_]/.test(tok)) return { coefficient: 1, symbols: [tok] };
    return undefined;
  };
  const product = (): Monomial | undefined => {
    let acc = factor();
    while (acc && (t[at] === '*' || t[at] === '/')) {
      const op = t[at++];
      const next = factor();
      if (!next) return undefined;
      if (op === '*') acc = { coefficient: acc.coefficient * next.coefficient, symbols: [...acc.symbols, ...next.symbols] };
      else {
        // Only numbers divide exactly here; dividing by a symbol is not a monomial we can keep.
        if (next.symbols.length > 0 || next.coefficient === 0) return undefined;
        acc = { coefficient: acc.coefficient / next.coefficient, symbols: acc.symbols };
      }
    }
    return acc;
  };
  const m = product();
  return m && at === t.length ? { coefficient: m.coefficient, symbols: [...m.symbols].sort() } : undefined;
}

/** The dim for a monomial, or null when its coefficient is not a whole number (the size is then unknown). */
export function monomialDim(m: Monomial): Dim {
  const c = Math.round(m.coefficient);
  if (c <= 0 || Math.abs(c - m.coefficient) > 1e-9 * Math.max(1, c)) return null;
  if (m.symbols.length === 0) return c;
  return c === 1 ? m.symbols.join('*') : `${m.symbols.join('*')}*${c}`;
}

/** True when the two dims are the same size for every value of their symbols. */
export function sameDim(a: Dim, b: Dim): boolean {
  if (a === b) return a !== null;
  const x = parseMonomial(a);
  const y = parseMonomial(b);
  return !!x && !!y && monomialDim(x) !== null && monomialDim(x) === monomialDim(y);
}

/** True when the dim's size depends on the symbol. */
export function dimUses(dim: Dim, symbol: string): boolean {
  return typeof dim === 'string' && new RegExp(`(^|[^\\w])${symbol.replace(/[^\w]/g, '')}($|[^\\w])`).test(dim);
}
