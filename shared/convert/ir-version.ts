import type { ModelProto } from '../onnx/types.js';

/** The IR version each ONNX release shipped with its newest opset (onnx/helper.py's VERSION_TABLE). */
const IR_FOR_OPSET: Record<number, number> = { 7: 3, 8: 3, 9: 4, 10: 5, 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** The lowest IR version the model's content needs, whatever its opset (element types, initializers outside the inputs). */
function featureFloor(model: ModelProto): number {
  let floor = 3;
  const graph = model.graph;
  const inputs = new Set((graph?.input ?? []).map((v) => v.name));
  if ((graph?.initializer ?? []).some((t) => !inputs.has(t.name))) floor = 4;
  const types = new Set((graph?.initializer ?? []).map((t) => t.dataType ?? 0));
  for (const v of [...(graph?.input ?? []), ...(graph?.output ?? []), ...(graph?.valueInfo ?? [])]) types.add(v.type?.tensorType?.elemType ?? 0);
  if ([...types].some((t) => t >= 17 && t <= 20)) floor = Math.max(floor, 9); // float8
  if ([...types].some((t) => t === 21 || t === 22)) floor = Math.max(floor, 10); // int4/uint4
  if ([...types].some((t) => t >= 23)) floor = Math.max(floor, 11); // float4 and newer
  if ((model.functions ?? []).length > 0) floor = Math.max(floor, 8);
  return floor;
}

/**
 * The IR version to write with a converted opset: going up, at least the target's own IR version;
 * going down, no newer than the target's (old runtimes check it) unless the model's content needs more.
 */
export function irVersionFor(model: ModelProto, targetOpset: number, up: boolean): number {
  const current = Number(model.irVersion ?? 3);
  const wanted = IR_FOR_OPSET[targetOpset] ?? current;
  if (up) return Math.max(current, wanted);
  return Math.min(current, Math.max(wanted, featureFloor(model)));
}
