import { describe, expect, it } from 'vitest';
import { nextNode } from '../../../renderer/src/graph/keyboard.js';
import { buildScopeTree, ROOT } from '../../../renderer/src/graph/scope-tree.js';
import { computeVisibleGraph, shownNodeOf } from '../../../renderer/src/graph/visible-graph.js';
import { viewOfFile } from '../../helpers/graph-view.js';
import { fixture } from '../../helpers/paths.js';

const MOBILENET = fixture('mobilenet-v2-tiny.onnx');

describe('keyboard walk and reveal over folded weights', () => {
  const view = viewOfFile(MOBILENET);
  const { folded } = computeVisibleGraph(view, buildScopeTree(view), new Set([ROOT]), { showInitializers: false, showAttributes: false });
  const firstConv = view.nodes.find((n) => n.opType === 'Conv')!;

  it('starts at the first node drawn and steps over weight-only nodes in every direction', () => {
    // torch writes its weight Identity nodes first: the walk starts after them.
    expect(view.nodes[0]!.opType).toBe('Identity');
    expect(nextNode(view, null, 'ArrowRight', folded)).toBe(firstConv.index);
    // Up from the first Clip is its Conv, not the Constants holding its bounds.
    const clip = view.nodes.find((n) => n.opType === 'Clip')!;
    expect(nextNode(view, { kind: 'node', index: clip.index }, 'ArrowUp', folded)).toBe(firstConv.index);
    let index = firstConv.index;
    for (let i = 0; i < 30; i++) {
      index = nextNode(view, { kind: 'node', index }, 'ArrowRight', folded)!;
      expect(folded.has(index)).toBe(false);
    }
    expect(nextNode(view, { kind: 'node', index: firstConv.index }, 'ArrowLeft', folded)).toBe(firstConv.index);
  });

  it('brings a folded weight into view through the node it is drawn in', () => {
    const identity = [...folded].find((i) => view.nodes[i]!.opType === 'Identity')!;
    const consumer = shownNodeOf(view, folded, identity);
    expect(folded.has(consumer)).toBe(false);
    expect(view.nodes[consumer]!.inputs).toContain(view.nodes[identity]!.outputs[0]);
    expect(shownNodeOf(view, folded, firstConv.index)).toBe(firstConv.index);
  });
});
