import { describe, expect, it } from 'vitest';
import { buildScopeTree, ROOT } from '../../../renderer/src/graph/scope-tree.js';
import { computeVisibleGraph, opId, weightNodes } from '../../../renderer/src/graph/visible-graph.js';
import { viewOf, viewOfFile } from '../../helpers/graph-view.js';
import { model, node, tensorValue, floatTensor } from '../../helpers/model-builder.js';
import { fixture } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const MOBILENET = fixture('mobilenet-v2-tiny.onnx');
const options = { showInitializers: false, showAttributes: false };

describe('weight-only nodes (torch weight Identity nodes, Constants)', () => {
  it('folds every weight Identity and Constant of a torch MobileNetV2 export into its consumer, with the dims of the weight behind it', () => {
    // python onnx, independently: each Identity of an initializer, the initializer behind it and its dims.
    const oracle = JSON.parse(
      runPython(
        [
          'import json, onnx, sys',
          'g = onnx.load(sys.argv[1]).graph',
          'dims = {t.name: list(t.dims) for t in g.initializer}',
          'ids = {n.output[0]: n.input[0] for n in g.node if n.op_type == "Identity" and n.input[0] in dims}',
          'consts = [n.output[0] for n in g.node if n.op_type == "Constant"]',
          'conv = next(n for n in g.node if n.op_type == "Conv" and n.input[2] in ids)',
          'print(json.dumps({"identities": len(ids), "constants": len(consts), "conv": conv.name, "bias": dims[ids[conv.input[2]]]}))',
        ].join('\n'),
        [MOBILENET],
      ),
    ) as { identities: number; constants: number; conv: string; bias: number[] };
    const view = viewOfFile(MOBILENET);
    const hidden = weightNodes(view);
    expect(hidden.size).toBe(oracle.identities + oracle.constants);
    const visible = computeVisibleGraph(view, buildScopeTree(view), new Set([ROOT]), options);
    const ops = [...visible.items.values()].filter((i) => i.kind === 'op').map((i) => view.nodes[i.nodeIndex!]!.opType);
    expect(ops.filter((op) => op === 'Identity' || op === 'Constant')).toEqual([]);
    expect(ops).toHaveLength(view.nodes.length - hidden.size);
    // No edge starts at a hidden node, and the Conv fed through an Identity shows that weight's dims.
    const hiddenIds = new Set([...hidden.keys()].map(opId));
    expect(visible.edges.filter((e) => hiddenIds.has(e.source) || hiddenIds.has(e.target))).toEqual([]);
    const conv = view.nodes.find((n) => n.name === oracle.conv)!;
    expect(visible.items.get(opId(conv.index))!.rows!.weights).toContain(`B ⟨${oracle.bias.join('×')}⟩`);
    const clip = [...visible.items.values()].find((i) => i.kind === 'op' && view.nodes[i.nodeIndex!]!.opType === 'Clip')!;
    expect(clip.rows!.weights).toEqual(['min ⟨scalar⟩', 'max ⟨scalar⟩']);
  });

  it('draws them as nodes again when weights are shown as nodes', () => {
    const view = viewOfFile(MOBILENET);
    const visible = computeVisibleGraph(view, buildScopeTree(view), new Set([ROOT]), { ...options, showInitializers: true });
    expect([...visible.items.values()].filter((i) => i.kind === 'op')).toHaveLength(view.nodes.length);
  });

  it('follows chains, and keeps an Identity whose output is a graph output or whose input is computed', () => {
    const m = model({
      node: [
        node('Identity', ['w'], ['w1'], 'Identity_0'),
        node('Identity', ['w1'], ['w2'], 'Identity_1'),
        node('Add', ['x', 'w2'], ['sum'], '/Add'),
        node('Identity', ['sum'], ['copy'], '/Identity'),
        node('Identity', ['w'], ['w_out'], 'Identity_2'),
      ],
      input: [tensorValue('x', [2])],
      output: [tensorValue('copy', [2]), tensorValue('w_out', [2])],
      initializer: [floatTensor('w', [2], [1, 2])],
    });
    const view = viewOf(m);
    expect([...weightNodes(view).entries()]).toEqual([
      [0, 'w'],
      [1, 'w'],
    ]);
    const visible = computeVisibleGraph(view, buildScopeTree(view), new Set([ROOT]), options);
    expect(visible.items.get(opId(2))!.rows!.weights).toEqual(['B ⟨2⟩']);
    expect(visible.edges.some((e) => e.source === opId(4) && e.target === 'o:w_out')).toBe(true);
  });
});
