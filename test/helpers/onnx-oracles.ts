import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../../shared/model/seeded-random.js';
import { encodeModel } from '../../shared/onnx/encode.js';
import type { ModelProto } from '../../shared/onnx/types.js';
import { tempDir } from './paths.js';
import { runPython } from './python.js';

const CHECK = `import json, sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
inferred = onnx.shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
def dims(v):
    t = v.type.tensor_type
    return {"elemType": t.elem_type, "shape": [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim] if t.HasField("shape") else None}
print(json.dumps({v.name: dims(v) for v in inferred.graph.value_info}))`;

/**
 * python3-onnx, the independent oracle: runs checker.check_model(full_check=True) (throws with its
 * message when the model is invalid) and returns what its strict shape inference says of each value.
 */
export function onnxCheck(model: ModelProto): Record<string, { elemType: number; shape: (number | string | null)[] | null }> {
  const file = path.join(tempDir('simplify-oracle-'), 'model.onnx');
  writeFileSync(file, encodeModel(model));
  return JSON.parse(runPython(CHECK, [file])) as Record<string, { elemType: number; shape: (number | string | null)[] | null }>;
}

/** Seeded random float inputs for every graph input (declared dims, all static). */
export function randomFeeds(model: ModelProto, seed = 3): Record<string, ort.Tensor> {
  const next = seededRandom(seed);
  const feeds: Record<string, ort.Tensor> = {};
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  for (const v of model.graph?.input ?? []) {
    if (initializers.has(v.name)) continue;
    const dims = (v.type?.tensorType?.shape?.dim ?? []).map((d) => Number(d.dimValue ?? 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const elemType = v.type?.tensorType?.elemType;
    feeds[v.name!] = elemType === 6 ? new ort.Tensor('int32', Int32Array.from({ length: n }, () => Math.floor(next() * 100)), dims) : new ort.Tensor('float32', Float32Array.from({ length: n }, () => next() * 2 - 1), dims);
  }
  return feeds;
}

/** Every output of the model run in ONNX Runtime (optimizations off, so it computes the graph as written). */
export async function runOrt(model: ModelProto, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 4, graphOptimizationLevel: 'disabled' });
  try {
    const out = await session.run(feeds);
    return Object.fromEntries(session.outputNames.map((n) => [n, Array.from(out[n]!.data as ArrayLike<number | bigint>, Number)]));
  } finally {
    await session.release();
  }
}

/** Largest |a - b| over all outputs, relative to the largest |a|. */
export function relativeDifference(a: Record<string, number[]>, b: Record<string, number[]>): number {
  let diff = 0;
  let scale = 0;
  for (const [name, xs] of Object.entries(a)) {
    const ys = b[name];
    if (!ys || ys.length !== xs.length) return Infinity;
    xs.forEach((x, i) => {
      diff = Math.max(diff, Math.abs(x - ys[i]!));
      scale = Math.max(scale, Math.abs(x));
    });
  }
  return diff === 0 ? 0 : diff / scale;
}

export function opTypes(model: ModelProto): string[] {
  return (model.graph?.node ?? []).map((n) => n.opType ?? '');
}
