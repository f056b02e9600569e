import { subgraphsOf } from '../graph/graph-index.js';
import type { GraphProto, ModelProto } from '../onnx/types.js';

export interface TensorrtSupport {
  readonly source: string;
  readonly unsupported: readonly string[];
}

/**
 * The nodes TensorRT's ONNX parser cannot build (ops its support matrix marks unsupported, or ops of
 * another domain), subgraphs included, as "OpType 'node name'" strings; empty when all parse.
 */
export function tensorrtUnsupportedNodes(model: ModelProto, support: TensorrtSupport): string[] {
  const refused = new Set(support.unsupported);
  const found: string[] = [];
  const walk = (graph: GraphProto) => {
    for (const node of graph.node ?? []) {
      const domain = node.domain ?? '';
      if (refused.has(node.opType ?? '') || (domain !== '' && domain !== 'ai.onnx')) found.push(`${domain && domain !== 'ai.onnx' ? `${domain}.` : ''}${node.opType ?? '?'} '${node.name ?? ''}'`);
      for (const sub of subgraphsOf(node)) walk(sub.graph);
    }
  };
  walk(model.graph ?? {});
  return found;
}
