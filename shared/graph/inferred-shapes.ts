import { inferShapes } from '../analysis/shape-inference.js';
import type { ValueFacts } from '../analysis/inference-types.js';
import { dataTypeName } from '../onnx/data-types.js';
import type { ModelProto } from '../onnx/types.js';
import type { Dim } from '../model/tensor-info.js';
import { MAIN, resolveGraph, type GraphPath } from './graph-path.js';

/** Inferred type and shape of every value one graph computes, for labelling the edges of the view. */
export interface InferredShapes {
  graphPath: GraphPath;
  /** By value name; dims are numbers, symbols ('batch', 'batch*16') or null where unknown. */
  values: Record<string, { type: string; shape: Dim[] | null }>;
}

/** The path of the graph that holds the node owning a subgraph ('main/3/body' -> 'main'), or undefined for main and functions. */
function parentOf(model: ModelProto, path: GraphPath): GraphPath | undefined {
  const parts = path.split('/');
  if (parts[0] !== MAIN || parts.length < 3) return undefined;
  // 'main/3/branches/1' names a position inside a GRAPHS attribute; 'main/3/body' does not.
  if (parts.length >= 4 && /^\d+$/.test(parts.at(-1)!)) {
    const parent = parts.slice(0, -3).join('/');
    const node = resolveGraph(model, parent)?.graph.node?.[Number(parts.at(-3))];
    const attribute = decodeURIComponent(parts.at(-2)!);
    if (node?.attribute?.some((a) => a.name === attribute && a.graphs)) return parent;
  }
  return parts.slice(0, -2).join('/');
}

/** Facts of every value visible inside a graph: its own and, for a subgraph, those of the graphs around it. */
function factsOf(model: ModelProto, path: GraphPath): Map<string, ValueFacts> | undefined {
  const resolved = resolveGraph(model, path);
  if (!resolved) return undefined;
  // A function's inputs are untyped formal parameters: nothing to start inference from.
  if (resolved.fn) return new Map();
  const parent = parentOf(model, path);
  const outer = parent === undefined ? new Map<string, ValueFacts>() : (factsOf(model, parent) ?? new Map<string, ValueFacts>());
  return inferShapes(model, {}, resolved.graph, outer).facts;
}

/**
 * Shapes inferred by the engine's shape inference for the values produced by the nodes of one graph.
 * Returns undefined for a path the model does not have.
 */
export function inferredShapesOf(model: ModelProto, path: GraphPath): InferredShapes | undefined {
  const resolved = resolveGraph(model, path);
  const facts = factsOf(model, path);
  if (!resolved || !facts) return undefined;
  const values: InferredShapes['values'] = {};
  for (const node of resolved.graph.node ?? []) {
    for (const output of node.output ?? []) {
      const f = output ? facts.get(output) : undefined;
      if (output && f) values[output] = { type: dataTypeName(f.elemType), shape: f.shape };
    }
  }
  return { graphPath: path, values };
}
