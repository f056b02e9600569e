import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ConvertOpsetResult } from '../../../shared/api/dto.js';
import { EngineError } from '../../../shared/api/errors.js';
import { ConvertError } from '../../../shared/convert/convert-error.js';
import { convertOpset } from '../../../shared/convert/opset-converter.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { isExternal } from '../../../shared/onnx/external-data.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { allTensors } from '../../../shared/onnx/walk-tensors.js';
import { runnableFile, type ModelDocument } from '../documents.js';
import { opRegistry } from '../op-metadata.js';
import { checkFeeds, checkInputsProblem, type CheckInputs } from '../check-inputs.js';
import { checkOutputs } from './output-check.js';

export type ConvertOutcome = Omit<ConvertOpsetResult, 'model' | 'changes'> & { model: ModelProto };

/**
 * Converts a document's model to another default-domain opset and checks the result in ONNX Runtime
 * against the document as it is, on seeded random inputs. A result that does not match (or cannot be
 * run) is refused unless `force`; nothing is changed here: the caller commits the returned model.
 */
export async function convertDocument(doc: ModelDocument, target: number, force: boolean, checkInputs: CheckInputs = {}): Promise<ConvertOutcome> {
  const problem = checkInputsProblem(doc.model, checkInputs);
  if (problem) throw new EngineError('BAD_ARGUMENT', problem);
  let result;
  try {
    result = convertOpset(doc.model, target, { registry: opRegistry() });
  } catch (e) {
    if (e instanceof ConvertError) throw new EngineError('BAD_ARGUMENT', e.message);
    throw e;
  }
  const base = { opsetBefore: result.opsetBefore, opsetAfter: result.opsetAfter, converted: result.converted };
  if (result.model === doc.model) return { ...base, model: doc.model, maxAbsDiff: 0, maxRelDiff: 0, notes: [`The model is already at opset ${target}; nothing to convert.`] };

  const external = [...allTensors(result.model)].some(isExternal);
  // External data locations are relative to the model's folder, so a converted copy must sit beside it.
  const scratch = external && doc.sourceDir ? path.join(doc.sourceDir, `.onnx-studio-convert-${randomUUID()}.onnx`) : undefined;
  try {
    if (scratch) await fs.writeFile(scratch, encodeModel(result.model));
    const check = await checkOutputs({ path: await runnableFile(doc) }, scratch ? { path: scratch } : { bytes: encodeModel(result.model) }, checkFeeds(doc.model, 1, checkInputs));
    const notes: string[] = [];
    if (check.problem) {
      if (!force) {
        throw new EngineError('RUNTIME_ERROR', `The conversion to opset ${target} was refused because ${check.problem}; nothing was changed.`, { check: 'outputs', maxAbsDiff: check.maxAbsDiff, maxRelDiff: check.maxRelDiff });
      }
      notes.push(`Kept on request although ${check.problem}.`);
    } else {
      notes.push(`Checked in ONNX Runtime on seeded random inputs: largest output difference ${check.maxAbsDiff}.`);
    }
    return { ...base, model: result.model, maxAbsDiff: check.maxAbsDiff, maxRelDiff: check.maxRelDiff, notes };
  } finally {
    if (scratch) await fs.rm(scratch, { force: true });
  }
}
