import { normalizeDomain } from '../graph/op-registry.js';
import type { ModelProto } from '../onnx/types.js';
import type { Int8Options, QuantizeMode } from './quant-options.js';

/**
 * The default-domain opset each INT8 rewrite needs: QuantizeLinear/DequantizeLinear exist from opset 10
 * and take an `axis` (per-channel weights) from 13; DynamicQuantizeLinear exists from 11 (ConvInteger and
 * MatMulInteger from 10). Raising the opset number alone would change what other ops of an older model
 * mean (Upsample, Resize, Pad, Clip...), so an older model is converted first, never relabelled.
 */
export function requiredOpset(mode: QuantizeMode, int8: Int8Options): { opset: number; why: string } | undefined {
  if (mode === 'int8-static') return int8.weights.perChannel ? { opset: 13, why: 'INT8 QDQ with per-channel weights' } : { opset: 10, why: 'INT8 QDQ' };
  if (mode === 'int8-dynamic') return { opset: 11, why: 'INT8 dynamic quantization (DynamicQuantizeLinear)' };
  return undefined;
}

/** The model's default-domain opset, or undefined when it declares none. */
export function defaultOpset(model: ModelProto): number | undefined {
  const entry = (model.opsetImport ?? []).find((o) => normalizeDomain(o.domain) === '');
  return entry?.version === undefined ? undefined : Number(entry.version);
}

/**
 * Why this model cannot be quantized in this mode as it is (one sentence saying what to do), or undefined
 * when it can. The single place that decides it: once an opset converter is in, "convert, then quantize"
 * replaces the refusal here.
 */
export function opsetProblem(model: ModelProto, modelName: string, mode: QuantizeMode, int8: Int8Options): string | undefined {
  const need = requiredOpset(mode, int8);
  const have = defaultOpset(model);
  if (!need || have === undefined || have >= need.opset) return undefined;
  return `'${modelName}' declares opset ${have}; ${need.why} needs opset ${need.opset}: convert it first with \`onnx-studio convert ${modelName} -o OUT --opset ${need.opset}\`.`;
}
