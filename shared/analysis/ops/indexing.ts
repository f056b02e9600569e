import { axisOf, type Dim } from '../dims.js';
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

/** Einsum with an explicit output ('ij,jk->ik'); ellipses and implicit outputs are not inferred. */
const einsum: InferFn = (ctx) => {
  const equation = ctx.string('equation', '').replace(/\s/g, '');
  const first = ctx.input(0);
  if (!first || !equation.includes('->') || equation.includes('.')) return first ? [{ elemType: first.elemType, shape: null }] : [];
  const [lhs, rhs] = equation.split('->') as [string, string];
  const sizes = new Map<string, Dim>();
  const terms = lhs.split(',');
  for (const [k, term] of terms.entries()) {
    const shape = ctx.input(k)?.shape;
    if (!shape || shape.length !== term.length) return [{ elemType: first.elemType, shape: null }];
    [...term].forEach((letter, i) => {
      const d = shape[i]!;
      const known = sizes.get(letter);
      if (known === undefined || known === 1 || known === null) sizes.set(letter, d);
    });
  }
  return [{ elemType: first.elemType, shape: [...rhs].map((letter) => sizes.get(letter) ?? null) }];
};

export const INDEXING_OPS: Record<string, InferFn> = {
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
};
