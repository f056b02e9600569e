import * as ort from 'onnxruntime-node';
import { EngineError, firstLine } from '../../../shared/api/errors.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto, TensorProto, ValueInfoProto } from '../../../shared/onnx/types.js';
import { applyFoldedConstants, FOLD_SIZE_LIMIT, planConstantFolding } from '../../../shared/simplify/constant-plan.js';
import { NO_CHANGE, type SimplifyPass } from '../../../shared/simplify/simplify-pass.js';
import { QUIET } from '../profiling/backends.js';

/** ONNX Runtime tensor types and the ONNX element types they are written as (strings are not folded). */
const ELEM_TYPES: Partial<Record<ort.Tensor.Type, number>> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13,
};

function toTensorProto(t: ort.Tensor): TensorProto | undefined {
  const dataType = ELEM_TYPES[t.type];
  if (dataType === undefined) return undefined;
  const data = t.data as ArrayBufferView;
  // A copy: ONNX Runtime may reuse the output's memory once the session is released.
  const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { dims: t.dims.map(Number), dataType, rawData };
}

/**
 * Computes the model's constant part in ONNX Runtime (no op kernels of our own): a small model of
 * the constant nodes whose outputs are the values that feed the rest, run once with graph
 * optimizations off, its results becoming initializers.
 */
export const constantFolding: SimplifyPass = {
  name: 'constant-folding',
  async run(model) {
    const plan = planConstantFolding(model);
    if (plan.outputs.length === 0) return NO_CHANGE(model);
    const output: ValueInfoProto[] = plan.outputs.map((o) => ({ name: o.name, ...(o.elemType ? { type: { tensorType: { elemType: o.elemType } } } : {}) }));
    const constantPart: ModelProto = {
      irVersion: model.irVersion ?? 8,
      opsetImport: model.opsetImport ?? [],
      graph: { name: 'constant_part', node: plan.nodes, initializer: plan.initializers, output },
    };
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(encodeModel(constantPart), { ...QUIET, graphOptimizationLevel: 'disabled' });
    } catch (e) {
      throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot compute the model's constant part (${firstLine(e instanceof Error ? e.message : String(e))}); run again with --skip constant-folding.`);
    }
    const computed = new Map<string, TensorProto>();
    try {
      const results = await session.run({});
      for (const o of plan.outputs) {
        const t = results[o.name];
        const proto = t ? toTensorProto(t) : undefined;
        if (!proto) continue;
        // Sizes inference could not tell in advance are checked now, by the same rule.
        if (proto.rawData!.byteLength > FOLD_SIZE_LIMIT && proto.rawData!.byteLength > o.sourceBytes) continue;
        computed.set(o.name, proto);
      }
    } catch (e) {
      throw new EngineError('RUNTIME_ERROR', `ONNX Runtime fails on the model's constant part (${firstLine(e instanceof Error ? e.message : String(e))}); run again with --skip constant-folding.`);
    } finally {
      await session.release();
    }
    return applyFoldedConstants(model, plan, computed);
  },
};
