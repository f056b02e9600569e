import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveGraph } from '../../../shared/graph/graph-path.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { readFileSync } from 'node:fs';
import { viewOf, viewOfFile } from '../../helpers/graph-view.js';
import { CONFORMANCE_ROOT, DIGITS } from '../../helpers/paths.js';

const conformance = (name: string) => path.join(CONFORMANCE_ROOT, 'node', name, 'model.onnx');

describe('graph view', () => {
  it('labels folded inputs with schema names and attaches categories', () => {
    const view = viewOfFile(DIGITS);
    const conv = view.nodes.find((n) => n.opType === 'Conv')!;
    expect(conv.inputLabels).toEqual(['X', 'W', 'B']);
    expect(conv.category).toBe('Layer');
    expect(conv.attributes.find((a) => a.name === 'kernel_shape')!.value).toBe('[3, 3]');
    expect(view.values['image']).toEqual({ type: 'float32', shape: [1, 1, 28, 28] });
  });

  it('links If bodies as subgraph paths that resolve, with a breadcrumb trail', () => {
    const model = decodeModel(readFileSync(conformance('test_if')));
    const main = viewOf(model);
    const ifNode = main.nodes.find((n) => n.opType === 'If')!;
    const thenPath = ifNode.attributes.find((a) => a.name === 'then_branch')!.graphPath!;
    expect(thenPath).toBe(`main/${ifNode.index}/then_branch`);
    expect(resolveGraph(model, thenPath)?.graph).toBe(model.graph!.node![ifNode.index]!.attribute!.find((a) => a.name === 'then_branch')!.g);
    const body = viewOf(model, thenPath);
    expect(body.trail.map((t) => t.path)).toEqual(['main', thenPath]);
    expect(body.trail[1]!.label).toContain('then_branch');
    expect(resolveGraph(model, 'main/999/then_branch')).toBeUndefined();
    expect(resolveGraph(model, 'function/x/y')).toBeUndefined();
  });

  it('opens a local function as its own view', () => {
    const model = {
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }, { domain: 'local', version: 1 }],
      graph: { name: 'g', node: [{ name: 'call', opType: 'MyAct', domain: 'local', input: ['x'], output: ['y'] }], input: [{ name: 'x' }], output: [{ name: 'y' }] },
      functions: [{ name: 'MyAct', domain: 'local', input: ['a'], output: ['b'], node: [{ opType: 'Relu', input: ['a'], output: ['r'] }, { opType: 'Neg', input: ['r'], output: ['b'] }], opsetImport: [{ domain: '', version: 13 }] }],
    };
    const main = viewOf(model);
    expect(main.functions).toEqual([{ path: 'function/local/MyAct', label: 'local.MyAct' }]);
    const fn = viewOf(model, 'function/local/MyAct');
    expect(fn.nodes.map((n) => n.opType)).toEqual(['Relu', 'Neg']);
    expect(fn.inputs.map((v) => v.name)).toEqual(['a']);
    expect(fn.trail.map((t) => t.label)).toEqual(['g', 'function MyAct']);
  });

  it('opens Loop and Scan bodies', () => {
    for (const [file, attr] of [['test_loop11', 'body'], ['test_scan_sum', 'body']] as const) {
      const model = decodeModel(readFileSync(conformance(file)));
      const node = viewOf(model).nodes.find((n) => n.attributes.some((a) => a.name === attr && a.graphPath))!;
      const body = viewOf(model, node.attributes.find((a) => a.name === attr)!.graphPath!);
      expect(body.nodes.length).toBeGreaterThan(0);
    }
  });
});
