import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { runPython } from '../../helpers/python.js';
import { analyzeModel } from '../../../shared/analysis/cost-model.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';

describe('cost model', () => {
  it('frees each activation after its last consumer and finds the peak', () => {
    // x[1,1024] -> Relu -> a -> Relu -> b -> Add(a, b) -> y: a lives until the Add.
    const m = model({
      node: [node('Relu', ['x'], ['a'], 'r1'), node('Relu', ['a'], ['b'], 'r2'), node('Add', ['a', 'b'], ['y'], 'add')],
      input: [tensorValue('x', [1, 1024])],
      output: [tensorValue('y', [1, 1024])],
    });
    const a = analyzeModel(m);
    const kb4 = 4096;
    // After r1: x + a. After r2: a + b (x freed after r1). After add: a, b, y live until freed -> 3 tensors.
    expect(a.totals.peakActivationBytes).toBe(3 * kb4);
    expect(a.totals.peakNode).toBe('add');
    expect(a.totals.activationBytes).toBe(3 * kb4);
    expect(a.nodes.map((n) => n.flops)).toEqual([1024, 1024, 1024]);
    expect(a.nodes[2]!.bytesMoved).toBe(3 * kb4);
  });

  it('counts a symbolic batch as incomplete rather than guessing', () => {
    const m = model({ node: [node('Relu', ['x'], ['y'], 'r')], input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 8 }] } } } }], output: [{ name: 'y' }] });
    expect(analyzeModel(m).incomplete).toEqual(['r']);
    expect(analyzeModel(m, { inputShapes: { x: [2, 8] } }).totals.flops).toBe(16);
  });
});

describe('recurrent layers', () => {
  it('counts every time step of LSTM, GRU and RNN nodes as python3-onnx computes from W, R and X', () => {
    const dir = '/usr/share/libonnx-testdata/data/node';
    const names = readdirSync(dir).filter((n) => /^test_(lstm|gru|rnn|simple_rnn)_/.test(n));
    expect(names.length).toBeGreaterThanOrEqual(8);
    // The oracle reads the model with python3-onnx: steps x batch x (|W| + |R|), W and R taken from the
    // reference inputs (they are graph inputs in these tests) or the initializers.
    const oracle = JSON.parse(
      runPython(
        `import onnx, sys, json, glob, os
from onnx import numpy_helper
out = {}
for d in sys.argv[1:]:
    m = onnx.load(os.path.join(d, 'model.onnx'))
    shapes = {t.name: list(t.dims) for t in m.graph.initializer}
    for i, f in enumerate(sorted(glob.glob(os.path.join(d, 'test_data_set_0', 'input_*.pb')))):
        t = onnx.TensorProto(); t.ParseFromString(open(f, 'rb').read())
        shapes[m.graph.input[i].name] = list(t.dims)
    total = 0
    for n in m.graph.node:
        layout = next((a.i for a in n.attribute if a.name == 'layout'), 0)
        x, w, r = (shapes[n.input[k]] for k in range(3))
        steps, batch = (x[1], x[0]) if layout else (x[0], x[1])
        prod = lambda s: eval('*'.join(map(str, s)) or '1')
        total += steps * batch * (prod(w) + prod(r))
    out[os.path.basename(d)] = {'macs': total, 'shapes': {k: v for k, v in shapes.items() if k in [i.name for i in m.graph.input]}}
print(json.dumps(out))`,
        names.map((n) => path.join(dir, n)),
      ),
    ) as Record<string, { macs: number; shapes: Record<string, number[]> }>;
    for (const name of names) {
      const model = decodeModel(readFileSync(path.join(dir, name, 'model.onnx')));
      const a = analyzeModel(model, { inputShapes: oracle[name]!.shapes });
      expect(a.totals.macs, name).toBe(oracle[name]!.macs);
      expect(a.totals.macs, name).toBeGreaterThan(0);
    }
  });
});
