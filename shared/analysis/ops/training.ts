import type { Dim } from '../dims.js';
import type { InferContext, InferFn } from '../inference-types.js';

/**
 * Losses: one value per sample (and spatial position) with reduction 'none', else a scalar.
 * SoftmaxCrossEntropyLoss's optional second output is the log-probabilities, shaped like the scores.
 */
function loss(ctx: InferContext, target: Dim[] | null | undefined) {
  const scores = ctx.input(0);
  if (!scores) return undefined;
  const reduction = ctx.string('reduction', 'mean');
  return { elemType: scores.elemType, shape: reduction === 'none' ? (target ?? null) : [] };
}

const nllLoss: InferFn = (ctx) => [loss(ctx, ctx.input(1)?.shape)];

const softmaxCrossEntropy: InferFn = (ctx) => {
  const scores = ctx.input(0);
  return [loss(ctx, ctx.input(1)?.shape), scores && { elemType: scores.elemType, shape: scores.shape }];
};

/**
 * Optimizers of ai.onnx.preview.training take R, T, then n tensors per group and return new values
 * for some groups: output group g, tensor i has the shape of input group `groups[g]`, tensor i.
 */
function optimizer(inputGroups: number, outputGroups: number[]): InferFn {
  return (ctx) => {
    const n = Math.floor(((ctx.node.input?.length ?? 0) - 2) / inputGroups);
    return Array.from({ length: (ctx.node.output?.length ?? 0) }, (_, j) => {
      const group = outputGroups[Math.floor(j / n)];
      const x = group === undefined ? undefined : ctx.input(2 + group * n + (j % n));
      return x && { elemType: x.elemType, shape: x.shape };
    });
  };
}

export const LOSS_OPS: Record<string, InferFn> = {
  NegativeLogLikelihoodLoss: nllLoss,
  SoftmaxCrossEntropyLoss: softmaxCrossEntropy,
};

export const TRAINING_OPS: Record<string, InferFn> = {
  // Adagrad: X, G, H in; X_new, H_new out. Adam: X, G, V, H in; X_new, V_new, H_new out. Momentum: X, G, V in; X_new, V_new out.
  Adagrad: optimizer(3, [0, 2]),
  Adam: optimizer(4, [0, 2, 3]),
  Momentum: optimizer(3, [0, 2]),
};
