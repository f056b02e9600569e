import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import type { PreprocessSpec } from '../preprocess/preprocess-spec.js';
import { NameAllocator } from '../quantize/graph-names.js';
import { defaultOpset } from './graph-opset.js';

const FLOAT = 1;
const UINT8 = 2;
const INT64 = 7;

function floats(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dataType: FLOAT, dims, rawData: new Uint8Array(new Float32Array(values).buffer) };
}

function int64s(name: string, values: number[]): TensorProto {
  return { name, dataType: INT64, dims: [values.length], rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer) };
}

/** Per-channel values (one given for all, or one per channel) as a tensor broadcast along the channel axis. */
function perChannel(name: string, values: number[], channels: number, layout: 'NCHW' | 'NHWC'): TensorProto {
  const v = values.length === 1 ? Array<number>(channels).fill(values[0]!) : values;
  return floats(name, layout === 'NCHW' ? [1, channels, 1, 1] : [1, 1, 1, channels], v);
}

export interface BakedPreprocess {
  readonly model: ModelProto;
  /** The new graph input: uint8 images, batch x height x width x channels, any height and width. */
  readonly rawInput: string;
  readonly channels: number;
}

/**
 * Prepends the preprocessing spec to the model as ONNX ops, so the deployed model takes raw uint8
 * images (NHWC, any size) the way the app fed it during calibration: Cast, channel reorder, Transpose
 * to NCHW, Resize to the spec's size, (x * scale - mean) / std, and back to NHWC when the model wants
 * that. Throws a sentence when the spec does not fit the model's input.
 */
export function bakePreprocess(model: ModelProto, spec: PreprocessSpec): BakedPreprocess {
  const graph = model.graph ?? {};
  const opset = defaultOpset(model);
  if (opset < 11) throw new Error(`baking preprocessing needs opset 11 or later (Resize with sizes), and the model declares opset ${opset}; convert it first with 'onnx-studio convert MODEL -o OUT --opset 13'`);
  const input = (graph.input ?? []).find((i) => i.name === spec.input);
  if (!input) throw new Error(`the preprocessing spec is for input '${spec.input}', which the model does not have`);
  const tensor = input.type?.tensorType;
  if (tensor?.elemType !== FLOAT) throw new Error(`input '${spec.input}' is not float32, so an image preprocessing spec does not fit it`);
  const dims = tensor.shape?.dim ?? [];
  const channels = spec.color === 'gray' ? 1 : 3;
  if (dims.length !== 4) throw new Error(`input '${spec.input}' has rank ${dims.length}; image preprocessing needs a rank-4 image input`);
  const [cAxis, hAxis, wAxis] = spec.layout === 'NCHW' ? [1, 2, 3] : [3, 1, 2];
  const fixed = (k: number) => (dims[k]?.dimValue !== undefined ? Number(dims[k]!.dimValue) : undefined);
  if (fixed(cAxis) !== undefined && fixed(cAxis) !== channels) throw new Error(`input '${spec.input}' has ${fixed(cAxis)} channels, but the spec's ${spec.color} images have ${channels}`);
  for (const [axis, want] of [[hAxis, spec.size[0]], [wAxis, spec.size[1]]] as const) {
    if (fixed(axis) !== undefined && fixed(axis) !== want) throw new Error(`input '${spec.input}' axis ${axis} is ${fixed(axis)}, but the spec resizes to ${spec.size[0]}x${spec.size[1]}`);
  }
  const names = new NameAllocator(graph);
  const v = (s: string) => names.fresh(`preprocess/${s}`);
  const rawInput = names.fresh(`${spec.input}_raw`);
  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  const add = (opType: string, inputs: string[], extra: Partial<NodeProto> = {}, out?: string): string => {
    const output = out ?? v(opType.toLowerCase());
    nodes.push({ name: names.fresh(`preprocess/${opType}`), opType, input: inputs, output: [output], ...extra });
    return output;
  };
  let x = add('Cast', [rawInput], { attribute: [{ name: 'to', type: 2, i: FLOAT }] });
  if (spec.color === 'bgr') {
    const order = v('bgr_order');
    inits.push(int64s(order, [2, 1, 0]));
    x = add('Gather', [x, order], { attribute: [{ name: 'axis', type: 2, i: 3 }] });
  }
  x = add('Transpose', [x], { attribute: [{ name: 'perm', type: 7, ints: [0, 3, 1, 2] }] });
  const shape = add('Shape', [x]);
  const [starts, ends, hw] = [v('starts'), v('ends'), v('size')];
  inits.push(int64s(starts, [0]), int64s(ends, [2]), int64s(hw, [spec.size[0], spec.size[1]]));
  const nc = add('Slice', [shape, starts, ends]);
  const sizes = add('Concat', [nc, hw], { attribute: [{ name: 'axis', type: 2, i: 0 }] });
  const [roi, scales] = [v('roi'), v('scales')];
  inits.push(floats(roi, [0], []), floats(scales, [0], []));
  const mode = spec.resize === 'nearest' ? 'nearest' : 'linear';
  x = add('Resize', [x, roi, scales, sizes], {
    attribute: [
      { name: 'mode', type: 3, s: new TextEncoder().encode(mode) },
      { name: 'coordinate_transformation_mode', type: 3, s: new TextEncoder().encode('half_pixel') },
    ],
  });
  const [scale, mean, std] = [v('scale'), v('mean'), v('std')];
  inits.push(floats(scale, [], [spec.scale]), perChannel(mean, spec.mean, channels, 'NCHW'), perChannel(std, spec.std, channels, 'NCHW'));
  x = add('Mul', [x, scale]);
  x = add('Sub', [x, mean]);
  if (spec.layout === 'NCHW') add('Div', [x, std], {}, spec.input);
  else {
    x = add('Div', [x, std]);
    add('Transpose', [x], { attribute: [{ name: 'perm', type: 7, ints: [0, 2, 3, 1] }] }, spec.input);
  }
  const batch = dims[0] ?? { dimParam: 'batch' };
  const raw: ValueInfoProto = {
    name: rawInput,
    type: { tensorType: { elemType: UINT8, shape: { dim: [batch, { dimParam: 'height' }, { dimParam: 'width' }, { dimValue: channels }] } } },
    docString: `uint8 ${spec.color === 'gray' ? 'grayscale' : 'RGB'} images, batch x height x width x channels; resized to ${spec.size[0]}x${spec.size[1]} inside the model`,
  };
  const baked: ModelProto = {
    ...model,
    graph: {
      ...graph,
      input: (graph.input ?? []).map((i) => (i.name === spec.input ? raw : i)),
      node: [...nodes, ...(graph.node ?? [])],
      initializer: [...(graph.initializer ?? []), ...inits],
      valueInfo: [...(graph.valueInfo ?? []).filter((i) => i.name !== spec.input), { ...input, docString: 'preprocessed image' }],
    },
  };
  return { model: baked, rawInput, channels };
}
