import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDIT_COMMANDS, runCommand } from '../../../shared/edit/commands.js';
import { extractSubgraph } from '../../../shared/edit/extract-subgraph.js';
import { EditHistory } from '../../../shared/edit/history.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { DIGITS, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const digits = () => decodeModel(readFileSync(DIGITS));

/** Debian's python3-onnx full check of each model; returns 'ok' or the checker's message per model. */
function check(models: ModelProto[]): string[] {
  const dir = tempDir();
  const files = models.map((m, i) => {
    const f = path.join(dir, `m${i}.onnx`);
    writeFileSync(f, encodeModel(m));
    return f;
  });
  const script = `import sys, onnx
for f in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True); print("ok")
    except Exception as e:
        print(str(e).splitlines()[0])`;
  return runPython(script, files).trim().split('\n');
}

/** Each case: a command, its parameters on the digits model, and what must hold after it. */
const CASES: { command: string; params: unknown; after: (m: ModelProto) => void }[] = [
  { command: 'setAttribute', params: { graphPath: 'main', nodeIndex: 2, name: 'kernel_shape', value: { type: 'INTS', value: [3, 3] } }, after: (m) => expect(m.graph!.node![2]!.attribute!.find((a) => a.name === 'kernel_shape')!.ints!.map(Number)).toEqual([3, 3]) },
  { command: 'setAttribute', params: { graphPath: 'main', nodeIndex: 10, name: 'alpha', value: { type: 'FLOAT', value: 0.5 } }, after: (m) => expect(m.graph!.node![10]!.attribute!.find((a) => a.name === 'alpha')!.f).toBe(0.5) },
  { command: 'renameNode', params: { graphPath: 'main', nodeIndex: 0, name: 'first_conv' }, after: (m) => expect(m.graph!.node![0]!.name).toBe('first_conv') },
  {
    command: 'renameTensor',
    params: { graphPath: 'main', from: '/Relu_output_0', to: 'relu1' },
    after: (m) => {
      expect(m.graph!.node![1]!.output).toEqual(['relu1']);
      expect(m.graph!.node![2]!.input).toEqual(['relu1']);
    },
  },
  { command: 'renameTensor', params: { graphPath: 'main', from: 'image', to: 'pixels' }, after: (m) => expect(m.graph!.input![0]!.name).toBe('pixels') },
  { command: 'deleteNode', params: { graphPath: 'main', nodeIndex: 2, mode: 'reconnect' }, after: (m) => expect(m.graph!.node!.length).toBe(10) },
  { command: 'deleteNode', params: { graphPath: 'main', nodeIndex: 10, mode: 'downstream' }, after: (m) => expect(m.graph!.node!.length).toBe(10) },
  {
    command: 'insertNode',
    params: { graphPath: 'main', opType: 'Sigmoid', name: 'squash', inputs: ['/c1/Conv_output_0'], outputs: ['squashed'], attributes: [] },
    after: (m) => expect(m.graph!.node![1]!.opType).toBe('Sigmoid'),
  },
  { command: 'rewireInput', params: { graphPath: 'main', nodeIndex: 1, inputIndex: 0, tensor: 'image' }, after: (m) => expect(m.graph!.node![1]!.input).toEqual(['image']) },
  { command: 'exposeOutput', params: { name: '/Relu_output_0' }, after: (m) => expect(m.graph!.output!.map((o) => o.name)).toEqual(['logits', '/Relu_output_0']) },
  { command: 'addInput', params: { name: 'extra', elemType: 1, dims: ['batch', 4] }, after: (m) => expect(m.graph!.input!.at(-1)!.name).toBe('extra') },
  { command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [10], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }, after: (m) => expect(m.graph!.initializer!.find((t) => t.name === 'fc.bias')!.rawData!.byteLength).toBe(40) },
  { command: 'setOpset', params: { domain: '', version: 14 }, after: (m) => expect(Number(m.opsetImport![0]!.version)).toBe(14) },
  { command: 'setMetadata', params: { key: 'author', value: 'ONNX Studio test' }, after: (m) => expect(m.metadataProps!.at(-1)).toEqual({ key: 'author', value: 'ONNX Studio test' }) },
  { command: 'setMetadata', params: { key: 'producerName', value: 'studio' }, after: (m) => expect(m.producerName).toBe('studio') },
  { command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' }, after: (m) => expect(m.graph!.input![0]!.type!.tensorType!.shape!.dim![0]).toEqual({ dimParam: 'batch' }) },
];

describe('edit commands on the digits model: checker-valid results, undone to an identical graph', () => {
  it('covers every command', () => {
    const covered = new Set([...CASES.map((c) => c.command), 'removeOutput', 'removeInput', 'removeUnused']);
    expect([...covered].sort()).toEqual(Object.keys(EDIT_COMMANDS).sort());
  });

  it.each(CASES.map((c, i) => [`${i}: ${c.command}`, c] as const))('%s', (_, c) => {
    const original = digits();
    const originalBytes = encodeModel(original);
    const history = new EditHistory();
    const r = runCommand(original, c.command, c.params);
    history.push({ label: r.label, command: c.command, params: r.params, before: original, after: r.model });
    c.after(r.model);
    expect(check([r.model])).toEqual(['ok']);
    const undone = history.undo()!.before;
    expect(Buffer.compare(Buffer.from(encodeModel(undone)), Buffer.from(originalBytes))).toBe(0);
    expect(history.redo()!.after).toBe(r.model);
  });

  it('removes outputs, inputs and unused nodes, and undoes each', () => {
    const original = digits();
    const exposed = runCommand(original, 'exposeOutput', { name: '/Relu_output_0' }).model;
    const removed = runCommand(exposed, 'removeOutput', { name: 'logits' }).model;
    const pruned = runCommand(removed, 'removeUnused', { graphPath: 'main' }).model;
    expect(pruned.graph!.node!.map((n) => n.opType)).toEqual(['Conv', 'Relu']);
    expect(pruned.graph!.initializer!.map((t) => t.name).sort()).toEqual(['onnx::Conv_39', 'onnx::Conv_40']);
    const added = runCommand(original, 'addInput', { name: 'unused', elemType: 1, dims: [1] }).model;
    const dropped = runCommand(added, 'removeInput', { name: 'unused' }).model;
    expect(check([exposed, removed, pruned, dropped])).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(encodeModel(dropped)).toEqual(encodeModel(original));
  });

  it('refuses edits that would break the model, in one sentence', () => {
    const m = digits();
    expect(() => runCommand(m, 'renameTensor', { graphPath: 'main', from: '/Relu_output_0', to: 'image' })).toThrow(/already exists/);
    expect(() => runCommand(m, 'deleteNode', { graphPath: 'main', nodeIndex: 0, mode: 'reconnect' })).not.toThrow();
    expect(() => runCommand(m, 'rewireInput', { graphPath: 'main', nodeIndex: 0, inputIndex: 0, tensor: '/c3/Conv_output_0' })).toThrow(/cycle/);
    expect(() => runCommand(m, 'removeOutput', { name: 'logits' })).toThrow(/at least one output/);
    expect(() => runCommand(m, 'removeInput', { name: 'image' })).toThrow(/still read/);
    expect(() => runCommand(m, 'setDim', { tensor: 'image', axis: 7, value: 'batch' })).toThrow(/axis 7 does not exist/);
    expect(() => runCommand(m, 'setDim', { tensor: 'image', axis: 0, value: '1x' })).toThrow(/dimension symbol/);
    expect(() => runCommand(m, 'nope', {})).toThrow(/There is no edit 'nope'/);
    expect(() => runCommand(m, 'setAttribute', { graphPath: 'main', nodeIndex: 99, name: 'x', value: null })).toThrow(/no node #99/);
  });

  it('extracts the part between chosen tensors into a valid model', () => {
    const part = extractSubgraph(digits(), ['/MaxPool_output_0'], ['/Relu_1_output_0']);
    expect(part.graph!.node!.map((n) => n.opType)).toEqual(['Conv', 'Relu']);
    expect(part.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([1, 16, 14, 14]);
    expect(check([part])).toEqual(['ok']);
    expect(() => extractSubgraph(digits(), ['/MaxPool_output_0'], ['logits', 'image'])).toThrow(/'image' is needed but is not computed/);
    expect(() => extractSubgraph(digits(), ['/Relu_1_output_0'], ['/c3/Conv_output_0'])).not.toThrow();
  });
});
