import type { Pipeline } from './pipeline.js';

/*
 * The pipeline file's format tag and an empty pipeline, apart from the schemas in pipeline.ts: the
 * templates and the app's first screen use them without loading the schema library.
 */

export const PIPELINE_FORMAT = 'onnx-studio.recipe';
export const PIPELINE_VERSION = 2;

export function emptyPipeline(name?: string): Pipeline {
  return { format: PIPELINE_FORMAT, version: PIPELINE_VERSION, ...(name ? { name } : {}), nodes: [], edges: [] };
}
