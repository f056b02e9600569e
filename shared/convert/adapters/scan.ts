import type { NodeProto } from '../../onnx/types.js';
import type { AdapterContext, OpChange } from '../adapter.js';
import { hasInput } from '../adapter-helpers.js';
import { intsAttr, intsAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

/** Squeeze or Unsqueeze axis 0 of each name into a fresh one (opsets 8/9 take axes as an attribute). */
function wrapEach(ctx: AdapterContext, node: NodeProto, names: readonly string[], opType: 'Squeeze' | 'Unsqueeze', into: (name: string) => string, from: (name: string) => string): NodeProto[] {
  return names.map((name) => ({ name: ctx.fresh(`${node.name || 'Scan'}_${opType.toLowerCase()}`), opType, input: [from(name)], output: [into(name)], attribute: [intsAttribute('axes', [0])] }));
}

/**
 * Scan-8 works on a batch (axis 0 of every input and output, with optional sequence_lens); Scan-9 drops
 * the batch and adds per-input axes and directions. A batch of one converts by squeezing it away and
 * back; a larger batch has no Scan-9 equivalent.
 */
export const SCAN_CHANGES: OpChange[] = [
  {
    ops: ['Scan'],
    version: 9,
    up(node, ctx) {
      if (hasInput(node, 0)) ctx.refuse(node, 'takes sequence_lens, which Scan-9 does not have');
      const inputs = (node.input ?? []).slice(1);
      const batch = inputs.map((name) => ctx.shape(name)?.[0]);
      if (batch.some((b) => b !== 1)) ctx.refuse(node, 'scans a batch that is not known to be of size 1, and Scan-9 has no batch axis');
      const squeezed = new Map(inputs.map((name) => [name, ctx.fresh(`${name}_unbatched`)]));
      const outputs = node.output ?? [];
      const unbatched = new Map(outputs.map((name) => [name, ctx.fresh(`${name}_unbatched`)]));
      let scan = withoutAttrs(node, 'directions');
      const directions = intsAttr(node, 'directions');
      if (directions) scan = withAttr(scan, intsAttribute('scan_input_directions', directions));
      return [
        ...wrapEach(ctx, node, inputs, 'Squeeze', (n) => squeezed.get(n)!, (n) => n),
        { ...scan, input: inputs.map((n) => squeezed.get(n)!), output: outputs.map((n) => (n ? unbatched.get(n)! : '')) },
        ...wrapEach(ctx, node, outputs.filter((n) => n !== ''), 'Unsqueeze', (n) => n, (n) => unbatched.get(n)!),
      ];
    },
    down(node, ctx) {
      const nonZero = (name: string) => (intsAttr(node, name) ?? []).some((v) => v !== 0n);
      if (nonZero('scan_input_axes') || nonZero('scan_output_axes')) ctx.refuse(node, 'scans along an axis other than the first, which Scan-8 cannot');
      if (nonZero('scan_output_directions')) ctx.refuse(node, 'writes scan outputs in reverse, which Scan-8 cannot');
      const inputs = node.input ?? [];
      const batched = new Map(inputs.map((name) => [name, ctx.fresh(`${name}_batched`)]));
      const outputs = node.output ?? [];
      const withBatch = new Map(outputs.map((name) => [name, ctx.fresh(`${name}_batched`)]));
      let scan = withoutAttrs(node, 'scan_input_directions', 'scan_output_directions', 'scan_input_axes', 'scan_output_axes');
      const directions = intsAttr(node, 'scan_input_directions');
      if (directions) scan = withAttr(scan, intsAttribute('directions', directions));
      return [
        ...wrapEach(ctx, node, inputs, 'Unsqueeze', (n) => batched.get(n)!, (n) => n),
        { ...scan, input: ['', ...inputs.map((n) => batched.get(n)!)], output: outputs.map((n) => (n ? withBatch.get(n)! : '')) },
        ...wrapEach(ctx, node, outputs.filter((n) => n !== ''), 'Squeeze', (n) => n, (n) => withBatch.get(n)!),
      ];
    },
  },
];
