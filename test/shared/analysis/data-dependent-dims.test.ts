// Regression tests for the five corpus models whose analysis left values unknown (issue 13): the
// patterns are rebuilt small here, and ONNX Runtime (the shapes a run produces) and python3-onnx's
// shape inference are the oracles.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../../shared/analysis/cost-model.js';
import type { Dim } from '../../../shared/analysis/dims.js';
import { inferShapes } from '../../../shared/analysis/shape-inference.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../../shared/onnx/types.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck } from '../../helpers/onnx-oracles.js';
import { tempDir } from '../../helpers/paths.js';
import { detectorTail } from '../../helpers/detector-tail.js';

const int64 = (name: string, dims: number[], values: number[]): TensorProto => ({ name, dims, dataType: 7, int64Data: values });
const int = (name: string, value: number) => ({ name, i: value, type: 2 });
const floatScalar = (name: string, value: number): TensorProto => ({ ...floatTensor(name, [], [value]) });
const graphAttr = (name: string, g: GraphProto) => ({ name, g, type: 5 });
/** A float value of known rank and unknown dims (subgraph outputs leave the rank out too). */
const floatOutput = (name: string, rank?: number) => ({ name, type: { tensorType: { elemType: 1, ...(rank === undefined ? {} : { shape: { dim: Array.from({ length: rank }, () => ({})) } }) } } });

/** The dims every named value has when ONNX Runtime runs the model (each one made a graph output). */
async function runtimeShapes(m: ModelProto, values: string[], feeds: Record<string, ort.Tensor>): Promise<Map<string, number[]>> {
  const exposed: ModelProto = { ...m, graph: { ...m.graph!, output: values.map((name) => ({ name })) } };
  const file = path.join(tempDir(), 'exposed.onnx');
  writeFileSync(file, encodeModel(exposed));
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 4 });
  try {
    const results = await session.run(feeds);
    return new Map(values.map((name) => [name, [...results[name]!.dims]]));
  } finally {
    await session.release();
  }
}

/** Our shape agrees with a run: same rank, every numeric dim exact, and a symbol only where the run's size is not fixed by the input dims. */
function expectAgrees(ours: Dim[] | null | undefined, actual: number[]): void {
  expect(ours).not.toBeNull();
  expect(ours!.length).toBe(actual.length);
  ours!.forEach((d, i) => {
    expect(d).not.toBeNull();
    if (typeof d === 'number') expect(d).toBe(actual[i]);
  });
}

const scores = (n: number, seed: number) => new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => ((i * 7919 + seed) % 1000) / 1000), [n]);

/**
 * torchvision's GeneralizedRCNNTransform resize: scale = min(size * (1/min_side), ...), the new size
 * floor(side * scale) in float32, then Resize to it and a Conv (retinanet lost every MAC here).
 */
function resizeTransform(): ModelProto {
  const nodes: NodeProto[] = [
    node('Shape', ['x'], ['x_shape']),
    node('Gather', ['x_shape', 'two'], ['side'], 'gather_side', { attribute: [int('axis', 0)] }),
    node('Cast', ['side'], ['side_f'], 'cast_side', { attribute: [int('to', 1)] }),
    node('Reciprocal', ['side_f'], ['inverse']),
    node('Mul', ['inverse', 'target'], ['scale']),
    node('Mul', ['side_f', 'scale'], ['scaled']),
    node('Floor', ['scaled'], ['floored']),
    node('Cast', ['floored'], ['new_side'], 'cast_new', { attribute: [int('to', 7)] }),
    node('Unsqueeze', ['new_side', 'axes0'], ['new_side1']),
    node('Concat', ['batch_channels', 'new_side1', 'new_side1'], ['sizes'], 'sizes', { attribute: [int('axis', 0)] }),
    node('Resize', ['x', '', '', 'sizes'], ['resized'], 'resize', { attribute: [{ name: 'mode', s: new TextEncoder().encode('linear'), type: 3 }] }),
    node('Conv', ['resized', 'w'], ['y'], 'conv'),
  ];
  return model(
    {
      node: nodes,
      input: [tensorValue('x', [1, 3, 20, 20])],
      output: [floatOutput('y', 4)],
      initializer: [
        int64('two', [], [2]),
        floatScalar('target', 48),
        int64('axes0', [1], [0]),
        int64('batch_channels', [2], [1, 3]),
        floatTensor('w', [4, 3, 3, 3], Array.from({ length: 108 }, (_, i) => (i % 7) / 7)),
      ],
    },
    13,
  );
}

/** An If on a runtime condition whose branches agree on dim 0 and differ on dim 1. */
function ifOnData(): ModelProto {
  const thenBranch: GraphProto = { name: 'then', node: [node('Identity', ['x'], ['then_out'])], output: [{ name: 'then_out', type: { tensorType: { elemType: 1 } } }] };
  const elseBranch: GraphProto = {
    name: 'else',
    node: [node('Concat', ['x', 'x'], ['else_out'], 'else_concat', { attribute: [int('axis', 1)] })],
    output: [{ name: 'else_out', type: { tensorType: { elemType: 1 } } }],
  };
  return model(
    {
      node: [
        node('If', ['cond'], ['picked'], 'if_data', { attribute: [graphAttr('then_branch', thenBranch), graphAttr('else_branch', elseBranch)] }),
        node('Identity', ['picked'], ['out']),
      ],
      input: [tensorValue('x', [2, 3]), tensorValue('cond', [], 9)],
      output: [floatOutput('out', 2)],
    },
    13,
  );
}

/**
 * silero-vad v5's pattern: the sample-rate If holds one branch per rate. In the 8 kHz branch an inner
 * If squeezes the last axis only when it is 1 (a test ONNX Runtime cannot decide when it loads the
 * model); at these dims it is 3, so that branch feeds its GRU a rank-4 tensor and only the other one can run.
 */
function ifWithBranchThatCannotRun(): ModelProto {
  const gru = (input: string, out: string, name: string) => node('GRU', [input, 'W', 'R'], ['', out], name, { attribute: [int('hidden_size', 5)] });
  const squeezeBranch: GraphProto = { name: 'squeeze', node: [node('Squeeze', ['x', 'last_axis'], ['squeezed'], 'squeeze_last')], output: [floatOutput('squeezed')] };
  const keepBranch: GraphProto = { name: 'keep', node: [node('Identity', ['x'], ['kept'], 'keep_x')], output: [floatOutput('kept')] };
  const thenBranch: GraphProto = { name: 'then', node: [gru('x', 'then_h', 'then_gru')], output: [floatOutput('then_h')] };
  const elseBranch: GraphProto = {
    name: 'else',
    node: [
      node('Shape', ['x'], ['x_shape'], 'else_shape'),
      node('Gather', ['x_shape', 'two'], ['last_dim'], 'else_last_dim', { attribute: [int('axis', 0)] }),
      node('Equal', ['last_dim', 'one'], ['last_is_one'], 'else_equal'),
      node('If', ['last_is_one'], ['maybe_squeezed'], 'else_if', { attribute: [graphAttr('then_branch', squeezeBranch), graphAttr('else_branch', keepBranch)] }),
      node('Unsqueeze', ['maybe_squeezed', 'axes0'], ['sequence'], 'else_unsqueeze'),
      gru('sequence', 'else_h', 'else_gru'),
    ],
    output: [floatOutput('else_h')],
  };
  return model(
    {
      node: [node('If', ['cond'], ['state'], 'if_rate', { attribute: [graphAttr('then_branch', thenBranch), graphAttr('else_branch', elseBranch)] })],
      // The last dim is left open in the file, as silero leaves its frame length: analyze gets it from --shape.
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 2 }, { dimValue: 3 }, { dimParam: 'features' }] } } } }, tensorValue('cond', [], 9)],
      output: [floatOutput('state', 3)],
      initializer: [
        floatTensor('W', [1, 15, 3], Array.from({ length: 45 }, (_, i) => (i % 5) / 10)),
        floatTensor('R', [1, 15, 5], Array.from({ length: 75 }, (_, i) => (i % 3) / 10)),
        int64('axes0', [1], [0]),
        int64('last_axis', [1], [2]),
        int64('two', [], [2]),
        int64('one', [], [1]),
      ],
    },
    13,
  );
}

/** torchvision's RPN keeps at most post_nms_top_n boxes (Slice 0:5 of what NonZero found) and its box head runs on them. */
function boundedHead(): ModelProto {
  return model(
    {
      node: [
        node('Greater', ['x', 'zero'], ['mask']),
        node('NonZero', ['mask'], ['where']),
        node('Squeeze', ['where', 'axes0'], ['found']),
        node('Slice', ['found', 'start0', 'end5'], ['kept'], 'keep_top'),
        node('Gather', ['table', 'kept'], ['rows'], 'gather_rows', { attribute: [int('axis', 0)] }),
        node('MatMul', ['rows', 'w'], ['head'], 'head'),
      ],
      input: [tensorValue('x', [10])],
      output: [floatOutput('head', 2)],
      initializer: [
        floatScalar('zero', 0),
        int64('axes0', [1], [0]),
        int64('start0', [1], [0]),
        int64('end5', [1], [5]),
        floatTensor('table', [10, 4], Array.from({ length: 40 }, (_, i) => i / 40)),
        floatTensor('w', [4, 8], Array.from({ length: 32 }, (_, i) => i / 32)),
      ],
    },
    13,
  );
}

describe('data-dependent dims in shape inference', () => {
  it('costs a head on a data-dependent count at the bound a Slice gives it, the size ONNX Runtime reaches when enough is found', async () => {
    const m = boundedHead();
    const analysis = analyzeModel(m);
    const head = analysis.nodes.find((n) => n.name === 'head')!;
    expect(head.macs).toBeNull();
    // Eight of ten positive: the Slice keeps 5, so the MatMul is [5,4] x [4,8].
    const many = await runtimeShapes(m, ['kept', 'head'], { x: new ort.Tensor('float32', Float32Array.from([1, 2, -1, 3, 4, 5, -2, 6, 7, 8]), [10]) });
    expect(many.get('head')).toEqual([5, 8]);
    expect(analysis.totals.macsAtBounds).toBe(5 * 4 * 8);
    // Two positive: fewer rows, so the bound is the worst case, not the count of every run.
    const few = await runtimeShapes(m, ['head'], { x: new ort.Tensor('float32', Float32Array.from([1, -1, -1, -1, -1, -1, -1, -1, -1, 2]), [10]) });
    expect(few.get('head')![0]).toBeLessThan(5);
  });


  it('names the sizes NonZero and a data-computed TopK K give, and folds K = min(k, anchors) to its number, as ONNX Runtime runs them', async () => {
    const m = detectorTail();
    const { facts, failed } = inferShapes(m);
    expect(failed).toEqual([]);
    const values = ['where', 'kept', 'top_data', 'top_fixed', 'first150', 'whole', 'all_classes'];
    for (const seed of [1, 500]) {
      const actual = await runtimeShapes(m, values, { scores: scores(1000, seed) });
      for (const v of values) expectAgrees(facts.get(v)?.shape, actual.get(v)!);
    }
    const count = facts.get('where')!.shape![1];
    expect(typeof count).toBe('string');
    expect(facts.get('kept')!.shape).toEqual([count]);
    // Slicing the kept list to its own length (read through Shape) keeps the very same symbol.
    expect(facts.get('whole')!.shape).toEqual([count]);
    expect(facts.get('top_fixed')!.shape).toEqual([300]);
    for (const v of ['top_data', 'first150', 'all_classes']) expect(typeof facts.get(v)!.shape![0]).toBe('string');
    // python3-onnx agrees on every dim it can know: the rank of each value and NonZero's row count.
    const oracle = onnxCheck(m);
    expect(oracle.where!.shape).toEqual([1, expect.any(String)]);
    for (const v of values) {
      // It cannot follow a Slice to a length read through Shape ('whole'); ONNX Runtime checked that one above.
      if (!oracle[v]!.shape) continue;
      expect(oracle[v]!.shape.length).toBe(facts.get(v)!.shape!.length);
      oracle[v]!.shape!.forEach((d, i) => {
        if (typeof d === 'number') expect(facts.get(v)!.shape![i]).toBe(d);
      });
    }
  });

  it('folds a resize size computed in float32 through Reciprocal, so the Conv after it is costed', async () => {
    const m = resizeTransform();
    const { facts } = inferShapes(m);
    const actual = await runtimeShapes(m, ['resized', 'y'], { x: new ort.Tensor('float32', new Float32Array(1200), [1, 3, 20, 20]) });
    expect(facts.get('resized')!.shape).toEqual(actual.get('resized'));
    expect(facts.get('y')!.shape).toEqual(actual.get('y'));
    const conv = analyzeModel(m).nodes.find((n) => n.name === 'conv')!;
    // 4 output channels x 46 x 46 positions x (3 x 3 x 3) multiply-accumulates each.
    expect(conv.macs).toBe(4 * 46 * 46 * 27);
  });

  it("merges an If's branches on a runtime condition: equal dims kept, differing ones named", async () => {
    const m = ifOnData();
    const shape = inferShapes(m).facts.get('picked')!.shape!;
    expect(shape[0]).toBe(2);
    expect(typeof shape[1]).toBe('string');
    for (const cond of [true, false]) {
      const actual = await runtimeShapes(m, ['picked'], { x: new ort.Tensor('float32', new Float32Array(6), [2, 3]), cond: new ort.Tensor('bool', [cond], []) });
      expectAgrees(shape, actual.get('picked')!);
    }
    const oracle = onnxCheck(m).picked!.shape!;
    expect(oracle.length).toBe(2);
    expect(oracle[0]).toBe(2);
  });

  it('takes the shapes of the only If branch that can run at the given dims', async () => {
    const m = ifWithBranchThatCannotRun();
    const { facts } = inferShapes(m, { inputShapes: { x: [2, 3, 3] } });
    expect(facts.get('state')!.shape).toEqual([1, 3, 5]);
    const x = new ort.Tensor('float32', new Float32Array(18), [2, 3, 3]);
    const actual = await runtimeShapes(m, ['state'], { x, cond: new ort.Tensor('bool', [true], []) });
    expect(facts.get('state')!.shape).toEqual(actual.get('state'));
    // The branch set aside really cannot run at these dims.
    await expect(runtimeShapes(m, ['state'], { x, cond: new ort.Tensor('bool', [false], []) })).rejects.toThrow(/else_gru/);
  });

  it('reports no value for an optional output left out, as in the GRU conformance model', () => {
    const m = model(
      {
        node: [node('GRU', ['X', 'W', 'R', 'B'], ['', 'Y_h'], 'gru', { attribute: [int('hidden_size', 5)] }), node('Identity', ['Y_h'], ['out'])],
        input: [tensorValue('X', [2, 3, 3])],
        output: [floatOutput('out', 3)],
        initializer: [
          floatTensor('W', [1, 15, 3], new Array<number>(45).fill(0.1)),
          floatTensor('R', [1, 15, 5], new Array<number>(75).fill(0.1)),
          floatTensor('B', [1, 30], new Array<number>(30).fill(0)),
        ],
      },
      13,
    );
    const gru = analyzeModel(m).nodes.find((n) => n.name === 'gru')!;
    expect(onnxCheck(m).Y_h!.shape).toEqual([1, 3, 5]);
    expect(gru.outputShapes).toEqual([[1, 3, 5]]);
  });
});
