import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGraphIndex, topologicalOrder } from '../../../shared/graph/graph-index.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { SHAPES } from '../../helpers/paths.js';

describe('graph index', () => {
  const graph = decodeModel(readFileSync(SHAPES)).graph!;

  it('maps each value to its producer and consumers', () => {
    const index = buildGraphIndex(graph);
    const firstConv = graph.node![0]!;
    const out = firstConv.output![0]!;
    expect(index.producers.get(out)).toEqual([0]);
    for (const c of index.consumers.get(out)!) expect(graph.node![c]!.input).toContain(out);
    expect(index.inputs.has('input')).toBe(true);
    expect(index.initializers.size).toBe(graph.initializer!.length);
  });

  it('keeps a valid file order and recovers a topological order from a shuffled graph', () => {
    expect(topologicalOrder(buildGraphIndex(graph)).order).toEqual(graph.node!.map((_, i) => i));
    const shuffled = { ...graph, node: [...graph.node!].reverse() };
    const { order, unordered } = topologicalOrder(buildGraphIndex(shuffled));
    expect(unordered).toEqual([]);
    const position = new Map(order.map((nodeIndex, pos) => [shuffled.node[nodeIndex]!.output![0]!, pos]));
    shuffled.node.forEach((n, i) => {
      for (const input of n.input ?? []) {
        const producerPos = position.get(input);
        if (producerPos !== undefined) expect(producerPos).toBeLessThan(order.indexOf(i));
      }
    });
  });
});
