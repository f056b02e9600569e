import { dataTypeName } from '../onnx/data-types.js';
import type { AttributeProto, GraphProto, ModelProto, StringStringEntryProto, TensorProto } from '../onnx/types.js';
import { isExternal } from '../onnx/external-data.js';
import { shapeOf, typeString, type Dim } from '../model/tensor-info.js';
import { subgraphsOf } from './graph-index.js';
import { functionPath, MAIN, resolveGraph, subgraphPath, type GraphPath } from './graph-path.js';
import { normalizeDomain, type OpRegistry } from './op-registry.js';

/** What the renderer's read-only mirror holds of one graph: structure and small previews, never weights. */
export interface GraphView {
  path: GraphPath;
  /** Breadcrumb labels from the main graph down to this one. */
  trail: { path: GraphPath; label: string }[];
  name: string;
  nodes: NodeView[];
  inputs: ValueView[];
  outputs: ValueView[];
  initializers: InitializerView[];
  /** Type and shape of every value the file describes (value_info, inputs, outputs, initializers). */
  values: Record<string, { type: string; shape: Dim[] | null }>;
  functions: { path: GraphPath; label: string }[];
  /** What the file says about values beyond type and shape, keyed by value name; only values that have some. */
  annotations?: Record<string, ValueAnnotation>;
}

/** Netron's tensor sidebar shows these: denotations, quantization parameters, doc_string and metadata_props. */
export interface ValueAnnotation {
  denotation?: string;
  /** One entry per dim ('' where the dim has none); present when any dim has a denotation. */
  dimDenotations?: string[];
  /** graph.quantization_annotation: the tensor names of its quantization parameters ({SCALE_TENSOR: 'x_scale', ...}). */
  quantization?: Record<string, string>;
  docString?: string;
  metadata?: Record<string, string>;
}

export interface NodeView {
  index: number;
  name: string;
  opType: string;
  domain: string;
  category: string;
  inputs: string[];
  /** Schema names of the inputs ('X', 'W', 'B'), for labelling folded initializers; '' when unknown. */
  inputLabels: string[];
  outputs: string[];
  attributes: AttributeView[];
  /** The node's doc_string and metadata_props, when it has them. */
  docString?: string;
  metadata?: Record<string, string>;
}

export interface AttributeView {
  name: string;
  type: string;
  /** Display text, shortened for long lists and tensors. */
  value: string;
  /** For GRAPH attributes: where to open the body. */
  graphPath?: GraphPath;
}

export interface ValueView {
  name: string;
  type: string;
  shape: Dim[] | null;
}

export interface InitializerView {
  name: string;
  type: string;
  shape: number[];
  external: boolean;
}

const ATTRIBUTE_TYPES: Record<number, string> = {
  1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph', 6: 'floats', 7: 'ints', 8: 'strings',
  9: 'tensors', 10: 'graphs', 11: 'sparse_tensor', 12: 'sparse_tensors', 13: 'type_proto', 14: 'type_protos',
};

const utf8 = new TextDecoder();
const MAX_LIST = 16;

function list(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LIST).map(String).join(', ');
  return `[${shown}${values.length > MAX_LIST ? `, … (${values.length})` : ''}]`;
}

function tensorLabel(t: TensorProto): string {
  return `${dataTypeName(t.dataType)}[${(t.dims ?? []).map(Number).join(',')}]`;
}

function attributeView(attr: AttributeProto, graphLink: (position?: number) => GraphPath): AttributeView {
  const type = ATTRIBUTE_TYPES[attr.type ?? 0] ?? inferType(attr);
  const base = { name: attr.name ?? '', type };
  if (attr.refAttrName) return { ...base, value: `= @${attr.refAttrName}` };
  if (attr.g) return { ...base, value: `graph '${attr.g.name ?? ''}' (${attr.g.node?.length ?? 0} nodes)`, graphPath: graphLink() };
  if (attr.graphs?.length) return { ...base, value: `${attr.graphs.length} graphs`, graphPath: graphLink(0) };
  if (attr.t) return { ...base, value: tensorLabel(attr.t) };
  if (attr.s !== undefined) return { ...base, value: JSON.stringify(utf8.decode(attr.s).slice(0, 200)) };
  if (attr.f !== undefined && type === 'float') return { ...base, value: String(attr.f) };
  if (attr.i !== undefined && type === 'int') return { ...base, value: String(attr.i) };
  if (attr.ints?.length || type === 'ints') return { ...base, value: list((attr.ints ?? []).map(String)) };
  if (attr.floats?.length || type === 'floats') return { ...base, value: list(attr.floats ?? []) };
  if (attr.strings?.length) return { ...base, value: list(attr.strings.map((s) => JSON.stringify(utf8.decode(s)))) };
  if (attr.tensors?.length) return { ...base, value: list(attr.tensors.map(tensorLabel)) };
  if (attr.f !== undefined) return { ...base, value: String(attr.f) };
  if (attr.i !== undefined) return { ...base, value: String(attr.i) };
  return { ...base, value: '' };
}

/** IR 1 attributes carry no type: infer it from the field that is set. */
function inferType(attr: AttributeProto): string {
  if (attr.g) return 'graph';
  if (attr.t) return 'tensor';
  if (attr.s !== undefined) return 'string';
  if (attr.ints?.length) return 'ints';
  if (attr.floats?.length) return 'floats';
  if (attr.i !== undefined) return 'int';
  if (attr.f !== undefined) return 'float';
  return 'undefined';
}

function entries(props: readonly StringStringEntryProto[] | undefined): Record<string, string> | undefined {
  if (!props?.length) return undefined;
  return Object.fromEntries(props.map((p) => [p.key ?? '', p.value ?? '']));
}

function annotationsOf(graph: GraphProto): Record<string, ValueAnnotation> {
  const out: Record<string, ValueAnnotation> = {};
  const add = (name: string | undefined, a: ValueAnnotation) => {
    const set = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined && v !== ''));
    if (name && Object.keys(set).length > 0) out[name] = { ...out[name], ...set };
  };
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    const dims = (v.type?.tensorType ?? v.type?.sparseTensorType)?.shape?.dim ?? [];
    add(v.name, {
      denotation: v.type?.denotation,
      dimDenotations: dims.some((d) => d.denotation) ? dims.map((d) => d.denotation ?? '') : undefined,
      docString: v.docString,
      metadata: entries(v.metadataProps),
    });
  }
  for (const t of graph.initializer ?? []) add(t.name, { docString: t.docString, metadata: entries(t.metadataProps) });
  for (const q of graph.quantizationAnnotation ?? []) add(q.tensorName, { quantization: entries(q.quantParameterTensorNames) });
  return out;
}

function trailOf(path: GraphPath, model: ModelProto): { path: GraphPath; label: string }[] {
  const trail = [{ path: MAIN, label: model.graph?.name || 'main' }];
  if (path.startsWith('function/')) {
    const fn = resolveGraph(model, path)?.fn;
    return [...trail, { path, label: `function ${fn?.name ?? ''}` }];
  }
  const parts = path.split('/');
  let current = MAIN;
  for (let i = 1; i < parts.length; ) {
    const graph = resolveGraph(model, current)?.graph;
    const node = graph?.node?.[Number(parts[i])];
    const hasPosition = parts[i + 2] !== undefined && /^\d+$/.test(parts[i + 2]!) && (node?.attribute ?? []).some((a) => a.name === decodeURIComponent(parts[i + 1]!) && a.graphs);
    const step = hasPosition ? 3 : 2;
    current = [current, ...parts.slice(i, i + step)].join('/');
    const attr = decodeURIComponent(parts[i + 1] ?? '');
    trail.push({ path: current, label: `${node?.name || node?.opType || '?'} › ${attr}${hasPosition ? `[${parts[i + 2]}]` : ''}` });
    i += step;
  }
  return trail;
}

/**
 * Builds the mirror of one graph. Returns undefined for a path the model does not have. Op input
 * labels and categories are resolved here so the renderer needs no operator metadata to draw.
 */
export function buildGraphView(
  model: ModelProto,
  path: GraphPath,
  registry: OpRegistry,
  categories: Record<string, string>,
  /** Inferred types and shapes for values the file does not declare (used after edits, when declarations may be stale). */
  inferred?: ReadonlyMap<string, { elemType: number; shape: Dim[] | null }>,
): GraphView | undefined {
  const resolved = resolveGraph(model, path);
  if (!resolved) return undefined;
  const { graph } = resolved;
  const opsets = new Map((resolved.fn?.opsetImport ?? model.opsetImport ?? []).map((o) => [normalizeDomain(o.domain), Number(o.version ?? 0)]));
  const values: GraphView['values'] = {};
  for (const v of [...(graph.valueInfo ?? []), ...(graph.input ?? []), ...(graph.output ?? [])]) {
    if (v.name && v.type) values[v.name] = { type: typeString(v.type), shape: shapeOf(v.type) };
  }
  const initializers: InitializerView[] = (graph.initializer ?? []).map((t) => {
    const view = { name: t.name ?? '', type: dataTypeName(t.dataType), shape: (t.dims ?? []).map(Number), external: isExternal(t) };
    values[view.name] ??= { type: view.type, shape: view.shape };
    return view;
  });
  if (inferred) {
    for (const node of graph.node ?? []) {
      for (const o of node.output ?? []) {
        const f = o ? inferred.get(o) : undefined;
        if (f && o) values[o] ??= { type: dataTypeName(f.elemType), shape: f.shape };
      }
    }
  }
  const initializerNames = new Set(initializers.map((i) => i.name));
  const nodes: NodeView[] = (graph.node ?? []).map((node, index) => {
    const domain = normalizeDomain(node.domain);
    const found = registry.lookup(domain, node.opType ?? '', opsets.get(domain) ?? Number.MAX_SAFE_INTEGER);
    const params = found.kind === 'found' ? found.schema.inputs : [];
    const inputs = node.input ?? [];
    const inputLabels = inputs.map((_, i) => {
      const p = params[Math.min(i, params.length - 1)];
      return p ? p.name + (p.option === 'variadic' && inputs.length > params.length ? String(i - params.length + 1) : '') : '';
    });
    const subgraphs = subgraphsOf(node);
    return {
      index,
      name: node.name ?? '',
      opType: node.opType ?? '',
      domain,
      category: categories[node.opType ?? ''] ?? (subgraphs.length > 0 ? 'Control' : 'Other'),
      inputs,
      inputLabels,
      outputs: node.output ?? [],
      attributes: (node.attribute ?? []).map((a) => attributeView(a, (position) => subgraphPath(path, index, a.name ?? '', position))),
      ...(node.docString ? { docString: node.docString } : {}),
      ...(node.metadataProps?.length ? { metadata: entries(node.metadataProps)! } : {}),
    };
  });
  const valueView = (v: { name?: string; type?: unknown }): ValueView => ({ name: v.name ?? '', ...(values[v.name ?? ''] ?? { type: 'unknown', shape: null }) });
  return {
    path,
    trail: trailOf(path, model),
    name: graph.name ?? '',
    nodes,
    inputs: (graph.input ?? []).filter((v) => !initializerNames.has(v.name ?? '')).map(valueView),
    outputs: (graph.output ?? []).map(valueView),
    initializers,
    values,
    functions: (model.functions ?? []).map((f) => ({ path: functionPath(f), label: `${f.domain ? `${f.domain}.` : ''}${f.name ?? ''}` })),
    annotations: annotationsOf(graph),
  };
}
