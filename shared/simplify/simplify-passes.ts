import { collapseCasts } from './collapse-casts.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { foldShapes } from './fold-shapes.js';
import { removeDeadNodes } from './remove-dead-nodes.js';
import { removeIdentity } from './remove-identity.js';
import { shareInitializers } from './share-initializers.js';
import { simplifyReshape } from './simplify-reshape.js';
import type { SimplifyPass } from './simplify-pass.js';
import { storeShapes } from './store-shapes.js';

/** The graph rewrites, in the order one round runs them. Constant folding (which needs ONNX Runtime) joins them in the engine. */
export const GRAPH_PASSES: readonly SimplifyPass[] = [removeIdentity, collapseCasts, shareInitializers, foldBatchNorm, simplifyReshape, foldShapes, removeDeadNodes];

/** Runs once the graph is settled: it records shapes and changes no structure. */
export const FINAL_PASSES: readonly SimplifyPass[] = [storeShapes];

/** Every pass name `--skip` accepts, with constant folding's. */
export const PASS_NAMES: readonly string[] = [...GRAPH_PASSES, ...FINAL_PASSES].map((p) => p.name).concat('constant-folding');
