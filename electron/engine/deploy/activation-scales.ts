import type { ModelProto } from '../../../shared/onnx/types.js';
import { elementReader } from '../../../shared/model/tensor-values.js';

/**
 * The scale of every quantized activation in a QDQ model: the scale input of each QuantizeLinear that
 * reads an activation (not a weight). With TensorRT's symmetric int8 preset, scale = amax / 127, the
 * number TensorRT's calibration cache stores.
 */
export function activationScales(qdq: ModelProto): Map<string, number> {
  const inits = new Map((qdq.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const scales = new Map<string, number>();
  for (const node of qdq.graph?.node ?? []) {
    if (node.opType !== 'QuantizeLinear') continue;
    const [x = '', s = ''] = node.input ?? [];
    if (inits.has(x) || scales.has(x)) continue;
    const t = inits.get(s);
    const read = t ? elementReader(t) : undefined;
    if (!read) continue;
    scales.set(x, read(0));
  }
  return scales;
}
