import type { NodeProto } from '../../onnx/types.js';
import type { AdapterContext, OpChange } from '../adapter.js';
import { constantInts, constantNumbers, hasInput, tensorConstant } from '../adapter-helpers.js';
import { floatTensor } from '../constants.js';
import { floatsAttr, floatsAttribute, intAttr, stringAttr, stringAttribute, withAttr, withoutAttrs } from '../node-attributes.js';

const RESIZE_11_ATTRS = ['coordinate_transformation_mode', 'cubic_coeff_a', 'exclude_outside', 'extrapolation_value', 'nearest_mode'];

/** An empty float tensor: what Resize-11/12 want for an roi or scales they do not use. */
function emptyFloats(ctx: AdapterContext, node: NodeProto, what: string): string {
  return tensorConstant(ctx, node, what, floatTensor([], 1, [0]));
}

/**
 * Resize-10's scales from Resize-11+ inputs: the scales input, or sizes divided by the known input shape.
 */
function scalesOf(node: NodeProto, ctx: AdapterContext): number[] {
  const scalesName = node.input?.[2] ?? '';
  const scales = scalesName ? ctx.constant(scalesName) : undefined;
  const given = scales && (scales.dims ?? []).some((d) => Number(d) > 0) ? constantNumbers(ctx, node, 2, 'scales') : undefined;
  if (given) return given;
  if (!hasInput(node, 3)) ctx.refuse(node, 'has neither scales nor sizes');
  const sizes = constantInts(ctx, node, 3, 'sizes');
  const shape = ctx.shape(node.input?.[0] ?? '');
  if (!shape || shape.length !== sizes.length || shape.some((d) => typeof d !== 'number' || d === 0)) ctx.refuse(node, 'gives output sizes for an input of unknown shape, and opset 10 only takes scales');
  return sizes.map((s, k) => Number(s) / (shape[k] as number));
}

export const RESIZE_CHANGES: OpChange[] = [
  {
    // Upsample-9 took scales as an input instead of an attribute.
    ops: ['Upsample'],
    version: 9,
    up(node, ctx) {
      const scales = floatsAttr(node, 'scales') ?? ctx.refuse(node, 'has no scales attribute');
      return [{ ...withoutAttrs(node, 'scales'), input: [node.input?.[0] ?? '', tensorConstant(ctx, node, 'scales', floatTensor(scales, 1))] }];
    },
    down(node, ctx) {
      return [withAttr({ ...node, input: [node.input?.[0] ?? ''] }, floatsAttribute('scales', constantNumbers(ctx, node, 1, 'scales')))];
    },
  },
  {
    // Upsample is deprecated at 10 in favour of Resize-10, which means the same (asymmetric coordinates, floor for nearest).
    ops: ['Upsample'],
    version: 10,
    up(node) {
      return [{ ...node, opType: 'Resize' }];
    },
  },
  {
    ops: ['Resize'],
    version: 10,
    down(node) {
      return [{ ...node, opType: 'Upsample' }];
    },
  },
  {
    // Resize-11 added roi and sizes inputs and coordinate modes whose default (half_pixel) is not Resize-10's.
    ops: ['Resize'],
    version: 11,
    up(node, ctx) {
      const mode = stringAttr(node, 'mode', 'nearest');
      let out = withAttr(node, stringAttribute('coordinate_transformation_mode', 'asymmetric'));
      if (mode === 'nearest') out = withAttr(out, stringAttribute('nearest_mode', 'floor'));
      return [{ ...out, input: [node.input?.[0] ?? '', emptyFloats(ctx, node, 'roi'), node.input?.[1] ?? ''] }];
    },
    down(node, ctx) {
      const mode = stringAttr(node, 'mode', 'nearest');
      const coordinates = stringAttr(node, 'coordinate_transformation_mode', 'half_pixel');
      if (mode === 'cubic') ctx.refuse(node, 'uses cubic interpolation, which opset 10 does not have');
      if (coordinates !== 'asymmetric') ctx.refuse(node, `maps coordinates with '${coordinates}', but opset 10 only has the asymmetric mapping`);
      if (mode === 'nearest' && stringAttr(node, 'nearest_mode', 'round_prefer_floor') !== 'floor') ctx.refuse(node, 'rounds nearest neighbours other than down (nearest_mode), but opset 10 always rounds down');
      const scales = scalesOf(node, ctx);
      return [{ ...withoutAttrs(node, ...RESIZE_11_ATTRS), input: [node.input?.[0] ?? '', tensorConstant(ctx, node, 'scales', floatTensor(scales, 1))] }];
    },
  },
  {
    // Resize-13 made roi and scales optional and dropped tf_half_pixel_for_nn.
    ops: ['Resize'],
    version: 13,
    up(node, ctx) {
      if (stringAttr(node, 'coordinate_transformation_mode', 'half_pixel') === 'tf_half_pixel_for_nn') ctx.refuse(node, "uses the 'tf_half_pixel_for_nn' coordinate mode, which opset 13 removed");
      return [node];
    },
    down(node, ctx) {
      const inputs = [...(node.input ?? [])];
      if (!hasInput(node, 1)) inputs[1] = emptyFloats(ctx, node, 'roi');
      if (!hasInput(node, 2)) inputs[2] = emptyFloats(ctx, node, 'scales');
      return [{ ...node, input: inputs }];
    },
  },
  {
    // Resize-18 added antialias, axes and keep_aspect_ratio_policy.
    ops: ['Resize'],
    version: 18,
    down(node, ctx) {
      if (intAttr(node, 'antialias', 0) !== 0) ctx.refuse(node, 'antialiases, which older opsets cannot do');
      if (floatsAttr(node, 'axes') !== undefined || (node.attribute ?? []).some((a) => a.name === 'axes')) ctx.refuse(node, 'resizes only some axes (axes), which older opsets cannot express; list every axis first');
      if (stringAttr(node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch') ctx.refuse(node, 'keeps the aspect ratio, which older opsets cannot do');
      return [withoutAttrs(node, 'antialias', 'axes', 'keep_aspect_ratio_policy')];
    },
  },
  {
    ops: ['Resize'],
    version: 19,
    down(node, ctx) {
      if (stringAttr(node, 'coordinate_transformation_mode', 'half_pixel') === 'half_pixel_symmetric') ctx.refuse(node, "uses the 'half_pixel_symmetric' coordinate mode, which is new in opset 19");
      return [node];
    },
  },
];
