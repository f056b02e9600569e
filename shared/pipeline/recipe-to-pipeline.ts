import type { Recipe, RecipeStep } from '../recipe/recipe.js';
import type { NodeKind } from './node-kinds.js';
import { PIPELINE_FORMAT, PIPELINE_VERSION, type Pipeline, type PipelineEdge, type PipelineNode } from './pipeline.js';

/** Column and row spacing of the layout given to converted recipes (the editor can lay them out again). */
const COLUMN = 280;
const ROW = 140;

function nodeKindOf(step: RecipeStep): NodeKind {
  return step.kind === 'quantize' ? step.mode : step.kind;
}

/** Step fields that become edges or the kind, not parameters. */
function paramsOf(step: RecipeStep): Record<string, unknown> {
  const { id: _id, kind: _kind, ...rest } = step as Record<string, unknown> & { id: string; kind: string };
  for (const k of ['model', 'reference', 'variants', 'data', 'mode']) delete rest[k];
  if (step.kind === 'quantize' && step.mode !== 'int8-static') {
    // Calibration settings mean nothing without calibration; the node kinds that run without it have no such fields.
    delete rest.spec;
    delete rest.limit;
    delete rest.method;
    if (step.mode === 'fp16') delete rest.perChannel;
  }
  return rest;
}

/**
 * A version 1 recipe (steps on one model) as a version 2 pipeline: the input model and each data folder
 * become source nodes, each step a node of the same id (made safe for node ids), the references edges.
 * Replaying the result runs the same engine calls in the same order as replaying the recipe did.
 */
export function recipeToPipeline(recipe: Recipe): Pipeline {
  const used = new Set<string>();
  const safeId = (raw: string): string => {
    const base = raw.replace(/[^\w.-]/g, '_').slice(0, 190) || 'node';
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
    used.add(id);
    return id;
  };
  const modelIds = new Map<string, string>([['input', safeId('input')]]);
  const dataIds = new Map<string, string>();
  const nodes: PipelineNode[] = [{ id: modelIds.get('input')!, kind: 'model-source', params: { name: recipe.input.name, ...(recipe.input.path ? { path: recipe.input.path } : {}), sha256: recipe.input.sha256 } }];
  for (const [name, d] of Object.entries(recipe.data)) {
    const id = safeId(`data-${name}`);
    dataIds.set(name, id);
    nodes.push({ id, kind: 'data-source', params: { name, ...(d.path ? { path: d.path } : {}), files: d.files } });
  }
  const edges: PipelineEdge[] = [];
  const modelEdge = (ref: string, to: string, port: string) => edges.push({ from: { node: modelIds.get(ref)!, port: 'model' }, to: { node: to, port } });
  const dataEdge = (name: string, to: string, port: string) => edges.push({ from: { node: dataIds.get(name)!, port: 'data' }, to: { node: to, port } });
  for (const step of recipe.steps) {
    const id = safeId(step.id);
    const kind = nodeKindOf(step);
    nodes.push({ id, kind, params: paramsOf(step) });
    if (step.kind === 'compare') {
      modelEdge(step.reference, id, 'reference');
      for (const v of step.variants) modelEdge(v, id, 'variants');
      dataEdge(step.data, id, 'data');
    } else {
      modelEdge(step.model, id, 'model');
      const data = step.kind === 'quantize' || step.kind === 'export' ? step.data : undefined;
      if (data && (kind === 'int8-static' || kind === 'export')) dataEdge(data, id, 'calibration');
    }
    if (step.kind === 'edit' || step.kind === 'quantize' || step.kind === 'simplify' || step.kind === 'convert') modelIds.set(step.id, id);
  }
  return {
    format: PIPELINE_FORMAT,
    version: PIPELINE_VERSION,
    nodes: layOut(nodes, edges),
    edges,
    ...(recipe.output ? { output: modelIds.get(recipe.output)! } : {}),
  };
}

/** Left to right by depth: each node one column after the deepest node feeding it. */
function layOut(nodes: PipelineNode[], edges: PipelineEdge[]): PipelineNode[] {
  const depth = new Map<string, number>();
  // Nodes come in an order where every node follows its inputs (a recipe's steps only read earlier steps).
  for (const n of nodes) depth.set(n.id, Math.max(0, ...edges.filter((e) => e.to.node === n.id).map((e) => (depth.get(e.from.node) ?? 0) + 1)));
  const rows = new Map<number, number>();
  return nodes.map((n) => {
    const column = depth.get(n.id)!;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return { ...n, position: { x: column * COLUMN, y: row * ROW } };
  });
}
