import type { NodeProto } from '../../onnx/types.js';
import type { AdapterContext, OpChange } from '../adapter.js';
import { intAttr, stringAttr, stringAttribute, withAttr, withoutAttrs } from '../node-attributes.js';
import { dataTypeInfo } from '../../onnx/data-types.js';

/** Keeps the node without `option` when it is at its default; refuses otherwise (there is no older equivalent). */
function optionAtDefault(option: string, isDefault: (node: NodeProto) => boolean, why: string) {
  return (node: NodeProto, ctx: AdapterContext): NodeProto[] => {
    if (!isDefault(node)) ctx.refuse(node, why);
    return [withoutAttrs(node, option)];
  };
}

/** Attributes added to existing ops; their defaults keep the old meaning, so going up needs nothing. */
export const NEW_OPTION_CHANGES: OpChange[] = [
  { ops: ['ArgMax', 'ArgMin'], version: 12, down: optionAtDefault('select_last_index', (n) => intAttr(n, 'select_last_index', 0) === 0, 'picks the last index of ties (select_last_index), which is new in opset 12') },
  { ops: ['DepthToSpace'], version: 11, down: optionAtDefault('mode', (n) => stringAttr(n, 'mode', 'DCR') === 'DCR', "uses the 'CRD' mode, which is new in opset 11") },
  { ops: ['GRU', 'LSTM', 'RNN'], version: 14, down: optionAtDefault('layout', (n) => intAttr(n, 'layout', 0) === 0, 'takes batch-first tensors (layout=1), which is new in opset 14') },
  // saturate only changes casts to float8, which older opsets cannot express anyway.
  { ops: ['Cast', 'CastLike'], version: 19, down: (node) => [withoutAttrs(node, 'saturate')] },
  { ops: ['Gemm'], version: 11, down: gemmBias },
  {
    // RoiAlign-16 added coordinate_transformation_mode, defaulting to half_pixel; RoiAlign-10 behaved as output_half_pixel.
    ops: ['RoiAlign'],
    version: 16,
    up: (node) => [withAttr(node, stringAttribute('coordinate_transformation_mode', 'output_half_pixel'))],
    down: optionAtDefault('coordinate_transformation_mode', (n) => stringAttr(n, 'coordinate_transformation_mode', 'half_pixel') === 'output_half_pixel', "maps coordinates with 'half_pixel', but opset 15 and older only have the output_half_pixel mapping"),
  },
  {
    // GridSample-20 renamed its modes and accepts N-D input.
    ops: ['GridSample'],
    version: 20,
    up: (node) => renameMode(node, { bilinear: 'linear', bicubic: 'cubic' }),
    down: (node) => renameMode(node, { linear: 'bilinear', cubic: 'bicubic' }),
  },
  {
    // GroupNormalization-21 scales per channel, -18 per group: converting needs the channel count and constant weights.
    ops: ['GroupNormalization'],
    version: 21,
    up: (node, ctx) => ctx.refuse(node, 'takes scale and bias per group, while opset 21 takes them per channel; export the model at opset 21 instead'),
    down: (node, ctx) => ctx.refuse(node, 'takes scale and bias per channel, while older opsets take them per group'),
  },
];

function renameMode(node: NodeProto, names: Record<string, string>): NodeProto[] {
  const mode = stringAttr(node, 'mode', '');
  const renamed = names[mode];
  if (!renamed) return [node];
  return [withAttr(node, stringAttribute('mode', renamed))];
}

/** Gemm-11 made C optional; older opsets need a zero bias in its place. */
function gemmBias(node: NodeProto, ctx: AdapterContext): NodeProto[] {
  if ((node.input?.[2] ?? '') !== '') return [node];
  const type = ctx.elemType(node.input?.[0] ?? '') ?? 1;
  const zero = ctx.addConstant(`${node.name || 'Gemm'}_C`, { dims: [], dataType: type, rawData: new Uint8Array((dataTypeInfo(type)?.bits ?? 32) / 8) });
  return [{ ...node, input: [node.input?.[0] ?? '', node.input?.[1] ?? '', zero] }];
}
