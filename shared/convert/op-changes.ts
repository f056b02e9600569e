import type { OpChange } from './adapter.js';
import { AXIS_CHANGES } from './adapters/axis-attributes.js';
import { BATCH_NORMALIZATION_CHANGES } from './adapters/batch-normalization.js';
import { CLIP_CHANGES } from './adapters/clip.js';
import { CONSTANT_CHANGES } from './adapters/constant.js';
import { DFT_CHANGES } from './adapters/dft.js';
import { DROPOUT_CHANGES } from './adapters/dropout.js';
import { INTRODUCED_OP_CHANGES } from './adapters/introduced-ops.js';
import { NEW_OPTION_CHANGES } from './adapters/new-options.js';
import { PAD_CHANGES } from './adapters/pad.js';
import { POOLING_CHANGES } from './adapters/pooling.js';
import { QUANTIZE_LINEAR_CHANGES } from './adapters/quantize-linear.js';
import { REDUCE_CHANGES } from './adapters/reduce.js';
import { RESIZE_CHANGES } from './adapters/resize.js';
import { SCAN_CHANGES } from './adapters/scan.js';
import { SCATTER_CHANGES } from './adapters/scatter.js';
import { SHAPE_OP_CHANGES } from './adapters/shape-ops.js';
import { SLICE_CHANGES } from './adapters/slice.js';
import { SOFTMAX_CHANGES } from './adapters/softmax-family.js';
import { SPLIT_CHANGES } from './adapters/split.js';
import { SQUEEZE_CHANGES } from './adapters/squeeze-unsqueeze.js';
import { TOP_K_CHANGES } from './adapters/top-k.js';
import { VARIADIC_BROADCAST_CHANGES } from './adapters/variadic-broadcast.js';

/**
 * Every breaking change to a default-domain operator between opsets 7 and 21 that a conversion must
 * rewrite or refuse (from ONNX's docs/Changelog.md). Changes that only widen the accepted types need no
 * rewrite going up; going down, ONNX Runtime's check of the result catches a type the older opset lacks.
 */
export const OP_CHANGES: readonly OpChange[] = [
  ...AXIS_CHANGES,
  ...BATCH_NORMALIZATION_CHANGES,
  ...CLIP_CHANGES,
  ...CONSTANT_CHANGES,
  ...DFT_CHANGES,
  ...DROPOUT_CHANGES,
  ...INTRODUCED_OP_CHANGES,
  ...NEW_OPTION_CHANGES,
  ...PAD_CHANGES,
  ...POOLING_CHANGES,
  ...QUANTIZE_LINEAR_CHANGES,
  ...REDUCE_CHANGES,
  ...RESIZE_CHANGES,
  ...SCAN_CHANGES,
  ...SCATTER_CHANGES,
  ...SHAPE_OP_CHANGES,
  ...SLICE_CHANGES,
  ...SOFTMAX_CHANGES,
  ...SPLIT_CHANGES,
  ...SQUEEZE_CHANGES,
  ...TOP_K_CHANGES,
  ...VARIADIC_BROADCAST_CHANGES,
];
