import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIGITS, fixture, SHAPES, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';


function diffJson(a: string, b: string) {
  const r = cli(['diff', a, b, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

// The oracle for "which nodes run quantized": python3-onnx reads the INT8 model and lists every node
// other than Q/DQ that reads a DequantizeLinear output, with whether that DQ reads a weight.
const QUANTIZED_NODES = `
import onnx, sys, json
g = onnx.load(sys.argv[1]).graph
inits = {t.name for t in g.initializer}
dq = {n.output[0]: n.input[0] in inits for n in g.node if n.op_type == 'DequantizeLinear'}
out = {}
for n in g.node:
    if n.op_type in ('QuantizeLinear', 'DequantizeLinear'): continue
    w = [dq[i] for i in n.input if i in dq]
    if w: out[n.name] = {'weight': any(w), 'activation': not all(w)}
print(json.dumps({'quantized': out, 'float': [n.name for n in g.node if n.op_type not in ('QuantizeLinear', 'DequantizeLinear')]}))
`;

// Renames three nodes (one with its output tensor too) and changes one attribute, with python3-onnx.
const RENAME_AND_EDIT = `
import onnx, sys
m = onnx.load(sys.argv[1])
g = m.graph
convs = [n for n in g.node if n.op_type == 'Conv']
renamed = []
for k, n in enumerate(convs[:2] + [n for n in g.node if n.op_type == 'Relu'][:1]):
    renamed.append(n.name); n.name = 'renamed_%d' % k
old = convs[0].output[0]
convs[0].output[0] = 'renamed_tensor'
for n in g.node:
    for i, x in enumerate(n.input):
        if x == old: n.input[i] = 'renamed_tensor'
pool = [n for n in g.node if n.op_type == 'MaxPool'][0]
for a in pool.attribute:
    if a.name == 'kernel_shape': a.ints[:] = [3, 3]
onnx.save(m, sys.argv[2])
print(','.join(renamed) + '|' + pool.name)
`;
import { cli } from '../../helpers/cli.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { torchPatternModel } from '../../helpers/torch-pattern-model.js';

const NAMES_LOST = `
import onnx, sys
b = {n.name for n in onnx.load(sys.argv[2]).graph.node}
print(','.join(n.name for n in onnx.load(sys.argv[1]).graph.node if n.name not in b))
`;
const NODE_COUNT = 'import onnx, sys; print(len(onnx.load(sys.argv[1]).graph.node))';
// The node that produces the Relu's input, as '<opType> <name>'.
const RELU_SOURCE = `
import onnx, sys
g = onnx.load(sys.argv[1]).graph
producer = {o: n for n in g.node for o in n.output}
relu = [n for n in g.node if n.op_type == 'Relu'][0]
p = producer[relu.input[0]]
print(p.op_type + ' ' + p.name)
`;

describe('onnx-studio diff', () => {
  it('reports no change between a model and itself', () => {
    const d = diffJson(SHAPES, SHAPES);
    expect(d).toMatchObject({ matched: 55, added: [], removed: [], changed: [], quantized: [] });
  });

  it('reports exactly three renamed nodes and one changed attribute', () => {
    const edited = path.join(tempDir(), 'digits-edited.onnx');
    const [renamed, pool] = runPython(RENAME_AND_EDIT, [DIGITS, edited]).trim().split('|') as [string, string];
    const d = diffJson(DIGITS, edited);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    const byA = Object.fromEntries(d.changed.map((c: { a: string }) => [c.a, c]));
    expect(Object.keys(byA).sort()).toEqual([...renamed.split(','), pool].sort());
    renamed.split(',').forEach((name, k) => expect(byA[name]).toEqual({ a: name, b: `renamed_${k}`, opType: expect.any(String) }));
    expect(byA[pool].attributes).toEqual([{ name: 'kernel_shape', a: '[2, 2]', b: '[3, 3]' }]);
  });

  describe('against an INT8 static variant', () => {
    let int8 = '';
    beforeAll(() => {
      int8 = path.join(tempDir(), 'digits.int8.onnx');
      const q = cli(['quantize', DIGITS, '-o', int8, '--mode', 'int8-static', '--calib', fixture('digits/calib'), '--preprocess', fixture('digits/preprocess.json'), '--limit', '32']);
      expect(q.stderr).toBe('');
      expect(q.code).toBe(0);
    });

    it('matches every float node and reads the Q/DQ pairs as quantization', () => {
      const oracle = JSON.parse(runPython(QUANTIZED_NODES, [int8]));
      const d = diffJson(DIGITS, int8);
      expect(d.added).toEqual([]);
      expect(d.removed).toEqual([]);
      expect(d.changed).toEqual([]);
      expect(d.matched).toBe(oracle.float.length);
      const got = Object.fromEntries(d.quantized.map((q: { node: string; weight: boolean; activation: boolean }) => [q.node, { weight: q.weight, activation: q.activation }]));
      expect(got).toEqual(oracle.quantized);
      expect(Object.keys(got).length).toBeGreaterThan(3);
      expect(d.summary).toMatch(/\d+ Conv quantized/);
    });

    it('reads the same the other way round: nothing added or removed', () => {
      const d = diffJson(int8, DIGITS);
      expect(d).toMatchObject({ added: [], removed: [], changed: [] });
    });
  });

  it('reports exactly the nodes a simplified variant lost as removed, and none added', () => {
    const dir = tempDir();
    const exported = path.join(dir, 'export.onnx');
    const simplified = path.join(dir, 'export.simplified.onnx');
    writeFileSync(exported, encodeModel(torchPatternModel()));
    expect(cli(['simplify', exported, '-o', simplified]).code).toBe(0);
    // The oracle: python3-onnx lists the node names of the export that the simplified file no longer has.
    const lost = runPython(NAMES_LOST, [exported, simplified]).trim().split(',');
    expect(lost.length).toBeGreaterThan(10);
    const d = diffJson(exported, simplified);
    expect(d.added).toEqual([]);
    expect(d.removed.map((n: { name: string }) => n.name).sort()).toEqual(lost.sort());
    // The Relu now reads the Conv the BatchNormalization was folded into, although the value kept its name.
    const relu = d.changed.find((c: { opType: string }) => c.opType === 'Relu');
    expect(relu.inputs).toEqual([{ index: 0, a: expect.any(String), b: expect.any(String), fromA: runPython(RELU_SOURCE, [exported]).trim(), fromB: runPython(RELU_SOURCE, [simplified]).trim() }]);
    // Every node the simplified model kept is matched to the one it came from.
    expect(d.matched).toBe(Number(runPython(NODE_COUNT, [simplified]).trim()));
  });

  it('names what is wrong with its arguments in one line', () => {
    const r = cli(['diff', DIGITS]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/diff takes two model paths/);
    const missing = cli(['diff', DIGITS, path.join(tempDir(), 'nope.onnx')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No file at/);
  });
});
