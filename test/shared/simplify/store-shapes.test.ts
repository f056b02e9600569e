import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { storeShapes } from '../../../shared/simplify/store-shapes.js';
import { shapeOf } from '../../../shared/model/tensor-info.js';
import { onnxCheck, randomFeeds } from '../../helpers/onnx-oracles.js';
import { torchPatternModel } from '../../helpers/torch-pattern-model.js';

/** The dims every intermediate value really has when ONNX Runtime runs the model (all of them made outputs). */
async function runtimeShapes(m: ModelProto, names: string[]): Promise<Record<string, number[]>> {
  const all: ModelProto = { ...m, graph: { ...m.graph, output: [...(m.graph!.output ?? []), ...names.map((name) => ({ name }))] } };
  const session = await ort.InferenceSession.create(encodeModel(all), { logSeverityLevel: 4, graphOptimizationLevel: 'disabled' });
  try {
    const out = await session.run(randomFeeds(m));
    return Object.fromEntries(names.map((n) => [n, out[n]!.dims.map(Number)]));
  } finally {
    await session.release();
  }
}

describe('value-info pass', () => {
  it('stores a type and shape for every intermediate value: types as python onnx infers them, shapes as ONNX Runtime computes them', async () => {
    const m = torchPatternModel();
    const { model: out, changed } = storeShapes.run(m, { inputShapes: {} }) as { model: ModelProto; changed: number };
    const intermediates = (m.graph!.node ?? []).flatMap((n) => n.output ?? []).filter((o) => o !== 'logits');
    expect(changed).toBe(intermediates.length);
    expect(out.graph!.valueInfo!.map((v) => v.name).sort()).toEqual([...intermediates].sort());
    const oracle = onnxCheck(out);
    const actual = await runtimeShapes(m, intermediates);
    for (const v of out.graph!.valueInfo!) {
      expect({ name: v.name, elemType: v.type!.tensorType!.elemType, shape: shapeOf(v.type) }).toEqual({ name: v.name, elemType: oracle[v.name!]!.elemType, shape: actual[v.name!] });
    }
    expect((storeShapes.run(out, { inputShapes: {} }) as { changed: number }).changed).toBe(0);
  });
});
