import { buildGraphIndex, implicitInputs } from '../graph/graph-index.js';
import { inferShapes } from '../analysis/shape-inference.js';
import type { ModelProto, ValueInfoProto } from '../onnx/types.js';

function valueInfo(name: string, facts: ReturnType<typeof inferShapes>['facts'], declared?: ValueInfoProto): ValueInfoProto {
  if (declared?.type) return declared;
  const f = facts.get(name);
  const dim = f?.shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}));
  return { name, type: { tensorType: { elemType: f?.elemType ?? 1, ...(dim ? { shape: { dim } } : {}) } } };
}

/**
 * A new model computing `outputs` from `inputs`: the nodes between them (walking back from the outputs
 * and stopping at the inputs), the initializers those nodes read, and the same opsets and functions.
 * Fails with a sentence when the outputs need a value that is neither an input, an initializer nor computed.
 */
export function extractSubgraph(model: ModelProto, inputs: string[], outputs: string[]): ModelProto {
  const g = model.graph!;
  const index = buildGraphIndex(g);
  const facts = inferShapes(model).facts;
  const stop = new Set(inputs);
  const keep = new Set<number>();
  const needed: string[] = [...outputs];
  const seen = new Set<string>();
  while (needed.length > 0) {
    const name = needed.pop()!;
    if (seen.has(name) || stop.has(name) || index.initializers.has(name) || !name) continue;
    seen.add(name);
    const producer = index.producers.get(name)?.[0];
    if (producer === undefined) throw new Error(`'${name}' is needed but is not computed from the chosen inputs; add it to the inputs`);
    if (keep.has(producer)) continue;
    keep.add(producer);
    const node = index.nodes[producer]!;
    needed.push(...(node.input ?? []), ...implicitInputs(node));
  }
  const nodes = index.nodes.filter((_, i) => keep.has(i));
  const read = new Set(nodes.flatMap((n) => [...(n.input ?? []), ...implicitInputs(n)]));
  for (const o of outputs) read.add(o);
  const missing = inputs.find((i) => !index.producers.has(i) && !index.inputs.has(i) && !index.initializers.has(i));
  if (missing) throw new Error(`the model has no tensor '${missing}'`);
  return {
    ...model,
    graph: {
      ...g,
      node: nodes,
      initializer: (g.initializer ?? []).filter((t) => read.has(t.name ?? '') && !stop.has(t.name ?? '')),
      input: inputs.map((name) => valueInfo(name, facts, index.valueInfo.get(name))),
      output: outputs.map((name) => valueInfo(name, facts, index.valueInfo.get(name))),
      valueInfo: (g.valueInfo ?? []).filter((v) => read.has(v.name ?? '') && !inputs.includes(v.name ?? '') && !outputs.includes(v.name ?? '')),
    },
  };
}
