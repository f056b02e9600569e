import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { storeShapes } from '../../../shared/simplify/store-shapes.js';
import { shapeOf } from '../../../shared/model/tensor-info.js';
import { onnxCheck, randomFeeds } from '../../helpers/onnx-oracles.js';
import { torchPatternModel } from '../../helpers/torch-pattern-model.js';
import { detectorTail } from '../../helpers/detector-tail.js';

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

describe('value-info pass on sizes the data decides', () => {
  it('stores those dims as unknown, keeping the rank and every known number (ONNX Runtime folds a named one wrongly on retinanet)', () => {
    const m = detectorTail();
    const { model: out } = storeShapes.run(m, { inputShapes: {} }) as { model: ModelProto };
    const stored = new Map(out.graph!.valueInfo!.map((v) => [v.name!, shapeOf(v.type)]));
    // NonZero's row count and TopK's data-computed K: rank kept, size unknown.
    expect(stored.get('where')).toEqual([1, null]);
    expect(stored.get('kept')).toEqual([null]);
    expect(stored.get('top_data')).toEqual([null]);
    // K = min(300, anchors) folds to its number, and stays.
    expect(stored.get('top_fixed')).toEqual([300]);
    const symbols = [...stored.values()].flatMap((s) => s ?? []).filter((d) => typeof d === 'string');
    expect(symbols).toEqual([]);
    // python3-onnx accepts the stored shapes and agrees on every dim it knows.
    const oracle = onnxCheck(out);
    expect(oracle['top_fixed']!.shape).toEqual([300]);
  });

  it('keeps the symbols the graph inputs declare', () => {
    const m = torchPatternModel();
    const input = m.graph!.input![0]!;
    const dims = shapeOf(input.type)!;
    const named: ModelProto = { ...m, graph: { ...m.graph!, input: [{ ...input, type: { tensorType: { ...input.type!.tensorType!, shape: { dim: dims.map((d, k) => (k === 0 ? { dimParam: 'batch' } : { dimValue: d as number })) } } } }] } };
    const { model: out } = storeShapes.run(named, { inputShapes: {} }) as { model: ModelProto };
    const firsts = out.graph!.valueInfo!.map((v) => shapeOf(v.type) ?? []).filter((s) => s.length > 0).map((s) => s[0]);
    expect(firsts.filter((d) => d === 'batch').length).toBeGreaterThan(0);
    expect(firsts.filter((d) => !(d === 'batch' || typeof d === 'number' || d === null))).toEqual([]);
  });
});
