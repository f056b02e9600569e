import type { NodeProto } from '../../onnx/types.js';
import type { OpChange } from '../adapter.js';
import { constantNumbers, hasInput, tensorConstant } from '../adapter-helpers.js';
import { floatTensor, intValues } from '../constants.js';
import { floatAttr, floatAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** Dropout-10 made the mask boolean; -12 took ratio (and training_mode) as inputs. */
export const DROPOUT_CHANGES: OpChange[] = [
  {
    ops: ['Dropout'],
    version: 10,
    up(node, ctx) {
      if ((node.output?.[1] ?? '') !== '') ctx.refuse(node, 'outputs a mask, whose element type changes from the data type to bool at opset 10; remove the mask output first');
      return [node];
    },
    down(node, ctx) {
      if ((node.output?.[1] ?? '') !== '') ctx.refuse(node, 'outputs a boolean mask, which opset 9 cannot produce; remove the mask output first');
      return [node];
    },
  },
  {
    ops: ['Dropout'],
    version: 12,
    up(node, ctx) {
      // ONNX Runtime's Dropout-10/11 and -12 disagree on the inference-mode mask, so only the data output converts.
      if ((node.output?.[1] ?? '') !== '') ctx.refuse(node, 'outputs a mask, whose inference-mode value differs between Dropout-10 and Dropout-12 in ONNX Runtime; remove the mask output first');
      const ratio = floatAttr(node, 'ratio');
      const out = withoutAttrs(node, 'ratio', 'is_test');
      if (ratio === undefined) return [out];
      const input = node.input?.[0] ?? '';
      return [{ ...out, input: [input, tensorConstant(ctx, node, 'ratio', floatTensor([ratio], 1, []))] }];
    },
    down(node, ctx) {
      if ((node.output?.[1] ?? '') !== '') ctx.refuse(node, 'outputs a mask, whose inference-mode value differs between Dropout-12 and older versions in ONNX Runtime; remove the mask output first');
      if (hasInput(node, 2)) {
        const t = ctx.constant(node.input![2]!);
        const training = t ? intValues(t) : undefined;
        if (!training || training.some((v) => v !== 0n)) ctx.refuse(node, 'may run in training mode (its training_mode input is not a constant false), which older opsets cannot express');
      }
      let out: NodeProto = { ...withoutAttrs(node, 'seed'), input: [node.input?.[0] ?? ''] };
      if (hasInput(node, 1)) {
        const ratio = constantNumbers(ctx, node, 1, 'ratio');
        if (ratio.length !== 1) ctx.refuse(node, 'has a ratio that is not a single number');
        out = withAttr(out, floatAttribute('ratio', ratio[0]!));
      }
      return [out];
    },
  },
];
