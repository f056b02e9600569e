import { normalizeDomain } from '../graph/op-registry.js';
import { subgraphsOf } from '../graph/graph-index.js';
import { isExternal } from '../onnx/external-data.js';
import type { GraphProto, ModelProto, ValueInfoProto } from '../onnx/types.js';
import { elementCount, shapeOf, tensorByteSize, toNumber, typeString, type Dim } from './tensor-info.js';

export interface ValueSummary {
  name: string;
  type: string;
  shape: Dim[] | null;
}

/** The `inspect` JSON contract (DESIGN.md); field names are stable. */
export interface ModelSummary {
  irVersion: number;
  opsets: Record<string, number>;
  producer: { name: string; version: string };
  graph: {
    name: string;
    nodeCount: number;
    nodeCountTotal: number;
    inputs: ValueSummary[];
    outputs: ValueSummary[];
    initializerCount: number;
    parameterCount: number;
  };
  ops: Record<string, number>;
  functions: string[];
  metadata: Record<string, string>;
  /** ModelProto's domain, model_version and doc_string, which Netron's model sidebar shows ('' / 0 when unset). */
  about?: { domain: string; modelVersion: number; docString: string; graphDocString: string };
  weightBytes: number;
  externalDataBytes: number;
}

function valueSummary(v: ValueInfoProto): ValueSummary {
  return { name: v.name ?? '', type: typeString(v.type), shape: shapeOf(v.type) };
}

function countNodes(graph: GraphProto, ops: Record<string, number> | undefined): number {
  let total = 0;
  for (const node of graph.node ?? []) {
    total++;
    if (ops) {
      const key = node.opType ?? '';
      ops[key] = (ops[key] ?? 0) + 1;
    }
    for (const sub of subgraphsOf(node)) total += countNodes(sub.graph, undefined);
  }
  return total;
}

export function summarizeModel(model: ModelProto): ModelSummary {
  const graph = model.graph ?? {};
  const ops: Record<string, number> = {};
  const nodeCountTotal = countNodes(graph, ops);
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name));
  let parameterCount = 0;
  let weightBytes = 0;
  let externalDataBytes = 0;
  for (const t of graph.initializer ?? []) {
    parameterCount += elementCount(t.dims);
    const bytes = tensorByteSize(t);
    weightBytes += bytes;
    if (isExternal(t)) externalDataBytes += bytes;
  }
  for (const s of graph.sparseInitializer ?? []) parameterCount += elementCount(s.values?.dims);
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[normalizeDomain(o.domain) || 'ai.onnx'] = toNumber(o.version);
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) metadata[p.key ?? ''] = p.value ?? '';
  return {
    irVersion: toNumber(model.irVersion),
    opsets,
    producer: { name: model.producerName ?? '', version: model.producerVersion ?? '' },
    graph: {
      name: graph.name ?? '',
      nodeCount: graph.node?.length ?? 0,
      nodeCountTotal,
      // Before IR 4 initializers were also listed as inputs; they are weights, not inputs.
      inputs: (graph.input ?? []).filter((v) => !initializerNames.has(v.name)).map(valueSummary),
      outputs: (graph.output ?? []).map(valueSummary),
      initializerCount: graph.initializer?.length ?? 0,
      parameterCount,
    },
    ops,
    functions: (model.functions ?? []).map((f) => `${f.domain ?? ''}:${f.name ?? ''}`),
    metadata,
    about: { domain: model.domain ?? '', modelVersion: toNumber(model.modelVersion), docString: model.docString ?? '', graphDocString: graph.docString ?? '' },
    weightBytes,
    externalDataBytes,
  };
}
