import { checkParams, NODE_KINDS, type PortSpec } from './node-kinds.js';
import type { Pipeline, PipelineNode } from './pipeline.js';
import { sha256Hex } from './sha256.js';
import { topologicalOrder, validatePipeline } from './validate-pipeline.js';

/** JSON with object keys sorted and undefined dropped, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Says what a source node's content is: for a model file, the hash of the model it is bound to (its
 * bytes and edits); for a data folder, its files. Unbound sources fall back to their parameters.
 */
export type SourceIdentity = (node: PipelineNode) => string | undefined;

/**
 * Each node's cache key: hash(kind, parameters, the keys of its inputs port by port, in edge order).
 * Label and position are not part of it, so moving or renaming a node re-runs nothing; a change to a
 * node changes its key and every key downstream of it, and only those. A node that cannot run (bad
 * parameters, a missing input, anywhere upstream) has the key ''.
 */
export function cacheKeys(pipeline: Pipeline, identity: SourceIdentity = () => undefined): Record<string, string> {
  const keys: Record<string, string> = {};
  const order = topologicalOrder(pipeline);
  const blocked = new Set(validatePipeline(pipeline).flatMap((p) => (p.nodeId && p.code !== 'bad-output' ? [p.nodeId] : [])));
  for (const node of pipeline.nodes) keys[node.id] = '';
  if (!order) return keys;
  const byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
  const into = new Map<string, Pipeline['edges']>();
  for (const e of pipeline.edges) {
    const list = into.get(e.to.node);
    if (list) list.push(e);
    else into.set(e.to.node, [e]);
  }
  for (const id of order) {
    const node = byId.get(id)!;
    if (blocked.has(id)) continue;
    const checked = checkParams(node.kind, node.params);
    if (!checked.ok) continue;
    const inputs: Record<string, string[]> = {};
    let ready = true;
    for (const port of NODE_KINDS[node.kind].inputs as readonly PortSpec[]) {
      inputs[port.name] = (into.get(id) ?? []).filter((e) => e.to.port === port.name).map((e) => {
        const k = keys[e.from.node] ?? '';
        if (!k) ready = false;
        return `${k}:${e.from.port}`;
      });
    }
    if (!ready) continue;
    const source = node.kind === 'model-source' || node.kind === 'data-source' ? (identity(node) ?? canonicalJson(checked.params)) : undefined;
    keys[id] = sha256Hex(canonicalJson({ kind: node.kind, params: checked.params, inputs, source }));
  }
  return keys;
}
