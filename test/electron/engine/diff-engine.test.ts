import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { cli } from '../../helpers/cli.js';
import { DIGITS, fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { torchPatternModel } from '../../helpers/torch-pattern-model.js';

// The oracle: python3-onnx lists the INT8 model's float nodes and, for each node that reads a
// DequantizeLinear, the types its quantized weights (the DQ's initializer; int32 ones are biases) and
// activations (the QuantizeLinear's zero point) are stored as.
const QUANTIZED_TYPES = `
import onnx, sys, json
g = onnx.load(sys.argv[1]).graph
inits = {t.name: t for t in g.initializer}
producer = {o: n for n in g.node for o in n.output}
dq = {}
for n in g.node:
    if n.op_type != 'DequantizeLinear': continue
    src = n.input[0]
    if src in inits:
        dtype = onnx.TensorProto.DataType.Name(inits[src].data_type).lower()
        dq[n.output[0]] = ('bias' if dtype == 'int32' else 'weight', dtype)
    else:
        q = producer[src]
        dq[n.output[0]] = ('activation', onnx.TensorProto.DataType.Name(inits[q.input[2]].data_type).lower())
out = {}
for n in g.node:
    if n.op_type in ('QuantizeLinear', 'DequantizeLinear'): continue
    kinds = [dq[i] for i in n.input if i in dq]
    if kinds:
        out[n.name] = {k: '/'.join(sorted({t for kk, t in kinds if kk == k})) for k in ('weight', 'bias', 'activation') if any(kk == k for kk, _ in kinds)}
print(json.dumps({'quantized': out, 'float': [n.name for n in g.node if n.op_type not in ('QuantizeLinear', 'DequantizeLinear')]}))
`;

// Node names of A that B no longer has, and of B that A did not have.
const NAME_DIFFERENCE = `
import onnx, sys, json
a = [n.name for n in onnx.load(sys.argv[1]).graph.node]
b = [n.name for n in onnx.load(sys.argv[2]).graph.node]
print(json.dumps({'removed': [n for n in a if n not in b], 'added': [n for n in b if n not in a], 'b': len(b)}))
`;

function cliDiff(a: string, b: string) {
  const r = cli(['diff', a, b, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const { a: _a, b: _b, ...diff } = JSON.parse(r.stdout) as Record<string, unknown>;
  return diff;
}

describe('engine diffModels and getDiffView', () => {
  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const dir = tempDir('diff-engine-');
  const int8 = path.join(dir, 'digits.int8.onnx');
  const pattern = path.join(dir, 'export.onnx');
  const simplified = path.join(dir, 'export.simplified.onnx');
  const open = async (file: string) => (await engine.openModel({ source: { kind: 'path', path: file } })).docId;

  beforeAll(() => {
    const q = cli(['quantize', DIGITS, '-o', int8, '--mode', 'int8-static', '--calib', fixture('digits/calib'), '--preprocess', fixture('digits/preprocess.json'), '--limit', '32']);
    expect(q.stderr).toBe('');
    writeFileSync(pattern, encodeModel(torchPatternModel()));
    const s = cli(['simplify', pattern, '-o', simplified]);
    expect(s.stderr).toBe('');
  });

  it('gives the JSON of `onnx-studio diff` on the same pairs', async () => {
    const [digits, quantized, exported, simple] = await Promise.all([open(DIGITS), open(int8), open(pattern), open(simplified)]);
    expect(await engine.diffModels({ docIdA: digits, docIdB: quantized })).toEqual(cliDiff(DIGITS, int8));
    expect(await engine.diffModels({ docIdA: quantized, docIdB: digits })).toEqual(cliDiff(int8, DIGITS));
    expect(await engine.diffModels({ docIdA: exported, docIdB: simple })).toEqual(cliDiff(pattern, simplified));
    expect(await engine.diffModels({ docIdA: digits, docIdB: digits })).toEqual(cliDiff(DIGITS, DIGITS));
  });

  it('draws the INT8 variant as the float graph with every quantized node marked and its stored types', async () => {
    const oracle = JSON.parse(runPython(QUANTIZED_TYPES, [int8])) as { quantized: Record<string, { weight?: string; activation?: string }>; float: string[] };
    const { view, marks, diff } = await engine.getDiffView({ docIdA: await open(DIGITS), docIdB: await open(int8) });
    expect(view.nodes.map((n) => n.name).sort()).toEqual([...oracle.float].sort());
    expect(view.nodes.some((n) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear')).toBe(false);
    expect(marks).toHaveLength(view.nodes.length);
    const marked = Object.fromEntries(
      view.nodes.flatMap((n, i) => {
        const q = marks[i]!.quantized;
        if (marks[i]!.status !== 'quantized' || !q) return [];
        return [[n.name, { ...(q.weightType ? { weight: q.weightType } : {}), ...(q.biasType ? { bias: q.biasType } : {}), ...(q.activationType ? { activation: q.activationType } : {}) }]];
      }),
    );
    expect(marked).toEqual(oracle.quantized);
    expect(marks.filter((m) => m.status !== 'quantized').every((m) => m.status === 'same')).toBe(true);
    expect(diff.summary).toMatch(/^\d+ Conv quantized/);
    // A quantized node reads the float value its Q/DQ pair wraps: the graph input, not a DequantizeLinear output.
    const firstConv = view.nodes.find((n) => n.opType === 'Conv')!;
    expect(firstConv.inputs[0]).toBe(view.inputs[0]!.name);
  });

  it('marks exactly the nodes the simplified variant lost as removed, and nothing added', async () => {
    const names = JSON.parse(runPython(NAME_DIFFERENCE, [pattern, simplified])) as { removed: string[]; added: string[]; b: number };
    expect(names.removed.length).toBeGreaterThan(10);
    const { view, marks } = await engine.getDiffView({ docIdA: await open(pattern), docIdB: await open(simplified) });
    expect(view.nodes).toHaveLength(names.b + names.removed.length);
    const byStatus = (status: string) => view.nodes.filter((_, i) => marks[i]!.status === status).map((n) => n.name);
    expect(byStatus('removed').sort()).toEqual([...names.removed].sort());
    expect(byStatus('added')).toEqual(names.added);
    // A removed node stays wired to the values the simplified graph still has.
    const relu = view.nodes.find((n) => n.opType === 'Relu')!;
    const batchNorm = view.nodes.find((n) => n.opType === 'BatchNormalization')!;
    const conv = view.nodes.find((n) => n.opType === 'Conv')!;
    expect(batchNorm.inputs[0]).toBe(conv.outputs[0]);
    expect(relu.inputs[0]).toBe(conv.outputs[0]);
  });

  it('shows a model against itself with every node the same', async () => {
    const digits = await open(DIGITS);
    const { view, marks, diff } = await engine.getDiffView({ docIdA: digits, docIdB: digits });
    expect(diff).toMatchObject({ added: [], removed: [], changed: [], quantized: [], matched: view.nodes.length });
    expect(new Set(marks.map((m) => m.status))).toEqual(new Set(['same']));
  });

  it('names an unknown document in one sentence', async () => {
    await expect(engine.diffModels({ docIdA: 'nope', docIdB: 'nope' })).rejects.toThrow(/^No open model has id 'nope'; open the model again\.$/);
  });
});
