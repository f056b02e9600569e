import { axisOf, broadcast, type Dim } from '../dims.js';
import type { InferFn } from '../inference-types.js';

const gatherElements: InferFn = (ctx) => {
  const [data, indices] = [ctx.input(0), ctx.input(1)];
  return data && indices ? [{ elemType: data.elemType, shape: indices.shape }] : [];
};

const gatherNd: InferFn = (ctx) => {
  const [data, indices] = [ctx.input(0), ctx.input(1)];
  if (!data || !indices) return [];
  const last = indices.shape?.at(-1);
  if (!data.shape || !indices.shape || typeof last !== 'number') return [{ elemType: data.elemType, shape: null }];
  const batch = ctx.int('batch_dims', 0);
  return [{ elemType: data.elemType, shape: [...indices.shape.slice(0, -1), ...data.shape.slice(batch + last)] }];
};

const likeData: InferFn = (ctx) => {
  const data = ctx.input(0);
  return data ? [{ elemType: data.elemType, shape: data.shape }] : [];
};

/** RandomUniformLike, RandomNormalLike, Bernoulli: the input's shape, `dtype` or the input's type. */
const randomLike: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: ctx.int('dtype', x.elemType), shape: x.shape }] : [];
};

const random: InferFn = (ctx) => {
  const shape = ctx.ints('shape');
  return [{ elemType: ctx.int('dtype', 1), shape: shape ?? null }];
};

const oneHot: InferFn = (ctx) => {
  const [indices, depth, values] = [ctx.input(0), ctx.input(1), ctx.input(2)];
  if (!indices || !values) return [];
  if (!indices.shape) return [{ elemType: values.elemType, shape: null }];
  const rank = indices.shape.length + 1;
  const axis = axisOf(ctx.int('axis', -1), rank)!;
  const d = depth?.value?.[0];
  const out: Dim[] = [...indices.shape];
  out.splice(axis, 0, typeof d === 'number' ? d : null);
  return [{ elemType: values.elemType, shape: out }];
};

/**
 * Einsum: each letter takes its size from the operands (a 1 gives way to a broadcast size); '...'
 * stands for the same broadcast dims in every operand. Without '->' the output is the ellipsis dims,
 * then the letters used exactly once, in alphabetical order, as numpy does.
 */
const einsum: InferFn = (ctx) => {
  const equation = ctx.string('equation', '').replace(/\s/g, '');
  const first = ctx.input(0);
  if (!first) return [];
  const unknown = [{ elemType: first.elemType, shape: null }];
  const [lhs, explicit] = equation.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  const sizes = new Map<string, Dim>();
  let ellipsis: Dim[] = [];
  for (const [k, term] of terms.entries()) {
    const shape = ctx.input(k)?.shape;
    const letters = term.replace('...', '');
    if (!shape || shape.length < letters.length || (!term.includes('...') && shape.length !== letters.length)) return unknown;
    const cut = term.indexOf('...');
    const before = cut < 0 ? letters.length : cut;
    const spanned = shape.length - letters.length;
    if (cut >= 0) {
      const dims = shape.slice(before, before + spanned);
      const merged = broadcast(ellipsis, dims);
      if (!merged) return unknown;
      ellipsis = merged;
    }
    [...letters].forEach((letter, i) => {
      const d = shape[i < before ? i : i + spanned]!;
      const known = sizes.get(letter);
      if (known === undefined || known === 1 || known === null) sizes.set(letter, d);
    });
  }
  const counts = new Map<string, number>();
  for (const letter of lhs.replace(/[.,]/g, '')) counts.set(letter, (counts.get(letter) ?? 0) + 1);
  const rhs = explicit ?? `...${[...counts].filter(([, n]) => n === 1).map(([l]) => l).sort().join('')}`;
  const out: Dim[] = [];
  const cut = rhs.indexOf('...');
  [...rhs.replace('...', '')].forEach((letter, i) => {
    if (i === cut) out.push(...ellipsis);
    out.push(sizes.get(letter) ?? null);
  });
  if (cut >= 0 && cut >= rhs.replace('...', '').length) out.push(...ellipsis);
  return [{ elemType: first.elemType, shape: out }];
};

/** DFT: the signal axis becomes dft_length (halved plus one when one-sided), the last axis holds real and imaginary parts. */
const dft: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  if (!x.shape) return [{ elemType: x.elemType, shape: null }];
  const axis = axisOf(ctx.int('axis', 1), x.shape.length);
  if (axis === undefined) return [{ elemType: x.elemType, shape: null }];
  const hasLength = (ctx.node.input?.[1] ?? '') !== '';
  const length = hasLength ? (ctx.input(1)?.value?.[0] ?? null) : x.shape[axis]!;
  const onesided = ctx.int('onesided', 0) === 1 && ctx.int('inverse', 0) === 0;
  const out = [...x.shape];
  out[axis] = onesided ? (typeof length === 'number' ? Math.floor(length / 2) + 1 : null) : length;
  out[out.length - 1] = 2;
  return [{ elemType: x.elemType, shape: out }];
};

/** Det: one determinant per trailing square matrix. */
const det: InferFn = (ctx) => {
  const x = ctx.input(0);
  return x ? [{ elemType: x.elemType, shape: x.shape ? x.shape.slice(0, -2) : null }] : [];
};

/** TfIdfVectorizer: the last axis becomes the output vector, max(ngram_indexes) + 1 long. */
const tfIdf: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const indexes = ctx.ints('ngram_indexes') ?? [];
  const width = indexes.length > 0 ? Math.max(...indexes) + 1 : null;
  return [{ elemType: 1, shape: x.shape ? [...x.shape.slice(0, -1), width] : null }];
};

/** StringNormalizer keeps its input's shape unless stop words may remove strings (then the count is known at run time only). */
const stringNormalizer: InferFn = (ctx) => {
  const x = ctx.input(0);
  if (!x) return [];
  const removes = (ctx.attr('stopwords')?.strings?.length ?? 0) > 0;
  if (!x.shape || !removes) return [{ elemType: x.elemType, shape: x.shape }];
  return [{ elemType: x.elemType, shape: x.shape.map((d, i) => (i === x.shape!.length - 1 ? null : d)) }];
};

export const INDEXING_OPS: Record<string, InferFn> = {
  ReverseSequence: likeData,
  Det: det,
  TfIdfVectorizer: tfIdf,
  StringNormalizer: stringNormalizer,
  GatherElements: gatherElements,
  GatherND: gatherNd,
  ScatterElements: likeData,
  Scatter: likeData,
  ScatterND: likeData,
  RandomUniformLike: randomLike,
  RandomNormalLike: randomLike,
  Bernoulli: randomLike,
  RandomUniform: random,
  RandomNormal: random,
  OneHot: oneHot,
  Einsum: einsum,
  DFT: dft,
  OptionalHasElement: () => [{ elemType: 9, shape: [] }],
};
