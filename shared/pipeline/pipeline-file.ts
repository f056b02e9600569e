import { parseRecipe } from '../recipe/recipe.js';
import { PIPELINE, PIPELINE_FORMAT, PIPELINE_VERSION, type Pipeline } from './pipeline.js';
import { recipeToPipeline } from './recipe-to-pipeline.js';

/**
 * Reads a pipeline file from outside: version 2 as it is, version 1 (a recorded recipe) converted.
 * Throws one sentence naming what is wrong. The file's shape is checked here; whether its nodes fit
 * together is validatePipeline's job, so a half-built pipeline still opens and shows its problems.
 */
export function parsePipelineFile(value: unknown): Pipeline {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the file is not a pipeline: expected a JSON object');
  const { format, version } = value as { format?: unknown; version?: unknown };
  if (format !== PIPELINE_FORMAT) throw new Error(`the file is not a pipeline: its format is ${JSON.stringify(format ?? null)}, expected "${PIPELINE_FORMAT}"`);
  if (version === 1) return recipeToPipeline(parseRecipe(value));
  if (version !== PIPELINE_VERSION) {
    throw new Error(typeof version === 'number' && version > PIPELINE_VERSION ? `the pipeline is version ${version}, newer than this app reads (${PIPELINE_VERSION}); update ONNX Studio` : `the pipeline's version ${JSON.stringify(version ?? null)} is not one this app reads (1 or ${PIPELINE_VERSION})`);
  }
  const r = PIPELINE.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`the pipeline's ${issue.path.join('.') || 'top level'} is not valid: ${issue.message}`);
  }
  return r.data;
}
