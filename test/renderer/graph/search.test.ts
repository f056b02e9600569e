import { describe, expect, it } from 'vitest';
import { parseQuery, searchGraph } from '../../../renderer/src/graph/search.js';
import { viewOfFile } from '../../helpers/graph-view.js';
import { fixture } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const MODEL = fixture('transformer-encoder.onnx');

/** Names and op types of nodes, initializer names and dims, and Constant outputs, as python-onnx reads them. */
const oracle = JSON.parse(
  runPython(
    'import onnx, sys, json\nm = onnx.load(sys.argv[1])\ng = m.graph\nprint(json.dumps({"nodes": [[n.name, n.op_type] for n in g.node], "inits": [[t.name, list(t.dims)] for t in g.initializer], "consts": [n.output[0] for n in g.node if n.op_type == "Constant"], "io": [v.name for v in list(g.input) + list(g.output)]}))',
    [MODEL],
  ),
) as { nodes: [string, string][]; inits: [string, number[]][]; consts: string[]; io: string[] };

const nodeNames = (hits: ReturnType<typeof searchGraph>) => hits.filter((h) => h.kind === 'node').map((h) => h.label).sort();
const valueNames = (hits: ReturnType<typeof searchGraph>) => hits.filter((h) => h.kind === 'value').map((h) => h.label).sort();

describe('find with Netron’s toggles and exact match', () => {
  const view = viewOfFile(MODEL);

  it('needs every space-separated term in a node’s name or op type', () => {
    const expected = oracle.nodes.filter(([name]) => name.toLowerCase().includes('self_attn') && name.toLowerCase().includes('gather')).map(([name]) => name).sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(nodeNames(searchGraph(view, 'self_attn Gather', { nodes: true, connections: false, weights: false }))).toEqual(expected);
  });

  it('matches a quoted name exactly, case included, and nothing that merely contains it', () => {
    const name = '/enc/layers.0/self_attn/Gather';
    expect(oracle.nodes.filter(([n]) => n.includes(name)).length).toBeGreaterThan(1);
    const hits = searchGraph(view, `"${name}"`);
    expect(hits.map((h) => h.label)).toEqual([name]);
    expect(searchGraph(view, `'${name.toUpperCase()}'`)).toEqual([]);
    expect(parseQuery("'a b'")).toEqual({ exact: true, terms: ['a b'] });
  });

  it('limits results to weights, or to connections, as the toggles say', () => {
    const weights = new Set([...oracle.inits.map(([n]) => n), ...oracle.consts]);
    const onlyWeights = searchGraph(view, 'enc', { nodes: false, connections: false, weights: true });
    expect(valueNames(onlyWeights)).toEqual([...weights].filter((n) => n.toLowerCase().includes('enc')).sort());
    expect(onlyWeights.every((h) => h.kind === 'value' && h.weight)).toBe(true);
    const connections = searchGraph(view, oracle.io[0]!, { nodes: false, connections: true, weights: false });
    expect(valueNames(connections)).toContain(oracle.io[0]);
    expect(connections.every((h) => h.kind === 'value' && !h.weight)).toBe(true);
    expect(searchGraph(view, 'enc', { nodes: false, connections: false, weights: false })).toEqual([]);
  });

  it('finds weights by shape and by element type', () => {
    const [, dims] = oracle.inits.find(([, d]) => d.length === 2)!;
    const expected = oracle.inits.filter(([, d]) => d.join('x').includes(dims.join('x'))).map(([n]) => n).sort();
    expect(valueNames(searchGraph(view, dims.join('x'), { nodes: false, connections: false, weights: true })).filter((n) => !oracle.consts.includes(n))).toEqual(expected);
    const floats = valueNames(searchGraph(view, 'float32', { nodes: false, connections: false, weights: true })).filter((n) => !oracle.consts.includes(n));
    expect(floats).toEqual(oracle.inits.map(([n]) => n).sort());
  });
});
