import type { ModelProto } from '../onnx/types.js';
import { toNumber } from '../model/tensor-info.js';

/** The default-domain opset a model declares (0 when it declares none). */
export function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version) : 0;
}
