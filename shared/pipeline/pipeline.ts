import { z } from 'zod';
import { NODE_KIND_NAMES, type NodeKind, type NodeParams } from './node-kinds.js';
import { PIPELINE_FORMAT, PIPELINE_VERSION } from './pipeline-format.js';

export { emptyPipeline, PIPELINE_FORMAT, PIPELINE_VERSION } from './pipeline-format.js';

/**
 * The pipeline file: version 2 of the recipe format (`format: 'onnx-studio.recipe'`). A recipe of
 * version 1 (a list of steps on one model) opens as a pipeline too: see recipe-to-pipeline.ts.
 * Nodes carry their kind, parameters (checked per kind by validate-pipeline.ts) and canvas position;
 * edges join an output port of one node to an input port of another.
 */

const nodeId = z.string().regex(/^[\w.-]{1,200}$/, 'a node id uses letters, digits, _, - or .');

export const PIPELINE_NODE = z
  .object({
    id: nodeId,
    kind: z.enum(NODE_KIND_NAMES as [NodeKind, ...NodeKind[]]),
    /** What the node shows as its title; the kind's label when absent. */
    label: z.string().max(200).optional(),
    /** Checked against the kind's schema by validatePipeline, so one bad field is a sentence, not a refusal of the file. */
    params: z.record(z.string(), z.unknown()),
    position: z.object({ x: z.number().finite(), y: z.number().finite() }).strict().optional(),
  })
  .strict();

export const PIPELINE_EDGE = z
  .object({
    from: z.object({ node: nodeId, port: z.string().min(1).max(100) }).strict(),
    to: z.object({ node: nodeId, port: z.string().min(1).max(100) }).strict(),
  })
  .strict();

export const PIPELINE = z
  .object({
    format: z.literal(PIPELINE_FORMAT),
    version: z.literal(PIPELINE_VERSION),
    name: z.string().max(200).optional(),
    nodes: z.array(PIPELINE_NODE).max(10_000),
    edges: z.array(PIPELINE_EDGE).max(100_000),
    /** The model `onnx-studio run -o OUT` writes: a node whose output is a model. */
    output: nodeId.optional(),
  })
  .strict();

export type Pipeline = z.infer<typeof PIPELINE>;
export type PipelineNode = z.infer<typeof PIPELINE_NODE>;
export type PipelineEdge = z.infer<typeof PIPELINE_EDGE>;

/** A node whose params are known to match its kind (after validation). */
export type TypedNode<K extends NodeKind = NodeKind> = { [P in K]: Omit<PipelineNode, 'kind' | 'params'> & { kind: P; params: NodeParams<P> } }[K];

/** Edges into one node's input port, in file order (the order of compare's variants). */
export function edgesInto(pipeline: Pipeline, node: string, port?: string): PipelineEdge[] {
  return pipeline.edges.filter((e) => e.to.node === node && (port === undefined || e.to.port === port));
}

export function edgesOutOf(pipeline: Pipeline, node: string): PipelineEdge[] {
  return pipeline.edges.filter((e) => e.from.node === node);
}
