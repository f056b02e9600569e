import type { Dim } from '../model/tensor-info.js';

/** The min / opt / max dims of one input, as TensorRT's optimization profiles and Triton need them. */
export interface ShapeRange {
  readonly min: number[];
  readonly opt: number[];
  readonly max: number[];
}

export interface ModelInput {
  readonly name: string;
  readonly type: string;
  readonly shape: Dim[] | null;
}

/** Batch range used when a dynamic batch axis is given no range: what Triton's dynamic batcher can fill. */
export const DEFAULT_BATCH = { min: 1, opt: 4, max: 16 } as const;

function parseDims(text: string, what: string): number[] {
  const parts = text.split(/[x×,]/);
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 2 ** 31 - 1)) {
    throw new Error(`${what} '${text}' must be whole numbers of at least 1 joined by x, such as 1x3x224x224`);
  }
  return parts.map(Number);
}

/** 'NAME=MIN:OPT:MAX' (dims written 1x3x224x224) -> [name, range]; the message names what is wrong. */
export function parseShapeRange(text: string): [string, ShapeRange] {
  const at = text.lastIndexOf('=');
  const spec = text.slice(at + 1).split(':');
  if (at <= 0 || spec.length !== 3) throw new Error(`--shapes takes NAME=MIN:OPT:MAX such as input=1x3x224x224:8x3x224x224:32x3x224x224, not '${text}'`);
  const name = text.slice(0, at);
  const [min, opt, max] = spec.map((s, k) => parseDims(s, `${name} ${['min', 'opt', 'max'][k]}`)) as [number[], number[], number[]];
  return [name, { min, opt, max }];
}

/**
 * The shape range of every input: given ones checked against the model's dims (rank, fixed dims,
 * min <= opt <= max), missing ones filled in for the batch axis (axis 0) and, where the target does
 * not need ranges (`otherDims` a size), for other dynamic dims. Throws a sentence naming the input
 * when it cannot be done.
 */
export function resolveShapeRanges(inputs: readonly ModelInput[], given: ReadonlyMap<string, ShapeRange>, otherDims: 'required' | number = 'required'): Map<string, ShapeRange> {
  for (const name of given.keys()) {
    if (!inputs.some((i) => i.name === name)) throw new Error(`--shapes names '${name}', but the model's inputs are ${inputs.map((i) => `'${i.name}'`).join(', ')}`);
  }
  const out = new Map<string, ShapeRange>();
  for (const input of inputs) {
    const shape = input.shape;
    if (!shape) throw new Error(`input '${input.name}' has no declared shape; give its range with --shapes ${input.name}=MIN:OPT:MAX`);
    const range = given.get(input.name);
    if (range) {
      for (const [k, dims] of [range.min, range.opt, range.max].entries()) {
        if (dims.length !== shape.length) throw new Error(`${['min', 'opt', 'max'][k]} dims of '${input.name}' have rank ${dims.length}, but the input has rank ${shape.length}`);
      }
      shape.forEach((d, axis) => {
        const [lo, mid, hi] = [range.min[axis]!, range.opt[axis]!, range.max[axis]!];
        if (!(lo <= mid && mid <= hi)) throw new Error(`'${input.name}' axis ${axis}: min ${lo}, opt ${mid}, max ${hi} are not in order (min <= opt <= max)`);
        if (typeof d === 'number' && (lo !== d || hi !== d)) throw new Error(`'${input.name}' axis ${axis} is fixed at ${d} in the model, but the range asks for ${lo}..${hi}`);
      });
      out.set(input.name, range);
      continue;
    }
    const dynamic = shape.map((d, axis) => (typeof d === 'number' ? -1 : axis)).filter((a) => a >= 0);
    if (dynamic.length === 0) continue;
    if (dynamic.some((a) => a !== 0) && otherDims === 'required') {
      throw new Error(`input '${input.name}' has dynamic dims other than the batch (axis ${dynamic.filter((a) => a !== 0).join(', ')}); give its range with --shapes ${input.name}=MIN:OPT:MAX`);
    }
    // Targets that keep dynamic dims dynamic (Triton, ONNX Runtime) only need a size to check the model at.
    const at = (b: number) => shape.map((d, axis) => (typeof d === 'number' ? d : axis === 0 ? b : (otherDims as number)));
    out.set(input.name, { min: at(DEFAULT_BATCH.min), opt: at(DEFAULT_BATCH.opt), max: at(DEFAULT_BATCH.max) });
  }
  return out;
}

export const formatDims = (dims: readonly number[]) => dims.join('x');
