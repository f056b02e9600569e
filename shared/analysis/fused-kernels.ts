import { buildGraphIndex } from '../graph/graph-index.js';
import type { GraphProto } from '../onnx/types.js';

/** Suffixes ONNX Runtime appends to tensor names when it rewrites the graph (layout changes, fusions). */
const RUNTIME_SUFFIXES = [/_nchwc$/, /_token_\d+$/, /_output_\d+_fused$/];

function originalName(name: string): string {
  let n = name;
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of RUNTIME_SUFFIXES) {
      const next = n.replace(suffix, '');
      if (next !== n) {
        n = next;
        changed = true;
      }
    }
  }
  return n;
}

/**
 * Maps each node of a runtime-optimized graph to the nodes of the original graph it computes. ONNX
 * Runtime renames the tensors it rewrites ('reorder_token_3') but names each node after the original
 * value it produces ('/layer1/relu/Relu_output_0_nchwc'). So each kernel is anchored on that value:
 * from the value's original producer, walk back through producers whose outputs no other kernel
 * computes. A fused Conv+Relu covers both nodes; a residual Add folded into a Conv covers the Add; a
 * layout reorder the runtime inserted covers none.
 */
export function mapOptimizedNodes(original: GraphProto, optimized: GraphProto): Map<string, string[]> {
  const index = buildGraphIndex(original);
  const anchorOf = (node: { name?: string; output?: string[] }): string | undefined =>
    [node.name ?? '', ...(node.output ?? [])].map(originalName).find((t) => index.producers.has(t));
  const anchored = new Set<string>();
  for (const node of optimized.node ?? []) {
    const a = anchorOf(node);
    if (a) anchored.add(a);
  }
  const result = new Map<string, string[]>();
  for (const node of optimized.node ?? []) {
    const anchor = anchorOf(node);
    const covered = new Set<number>();
    const stack = anchor ? [...index.producers.get(anchor)!] : [];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (covered.has(i)) continue;
      covered.add(i);
      for (const input of index.nodes[i]!.input ?? []) {
        if (!input || anchored.has(input)) continue; // another kernel computes it
        for (const p of index.producers.get(input) ?? []) if (!covered.has(p)) stack.push(p);
      }
    }
    const names = [...covered].sort((a, b) => a - b).map((i) => index.nodes[i]!.name || `${index.nodes[i]!.opType}_${i}`);
    result.set(node.name ?? '', names);
  }
  return result;
}
