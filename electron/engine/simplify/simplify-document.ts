import type { ModelInfo } from '../../../shared/api/dto.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import { nodeChanges, type NodeChanges } from '../../../shared/simplify/node-changes.js';
import type { SimplifyReport } from '../../../shared/simplify/simplify-report.js';
import { modelInfo, runnableFile, type DocumentStore } from '../documents.js';
import type { EditService } from '../editing/edit-service.js';
import { simplifyModel } from './simplify-model.js';

export type SimplifyResult = { model: ModelInfo; report: SimplifyReport; changes: NodeChanges };

/** The history command of a simplify; the recipe recorder turns it into a simplify step. */
export const SIMPLIFY_COMMAND = 'simplify';

/**
 * The engine method: simplifies an open document in place, as one undoable edit (undo brings the
 * original back, as for any edit). The history entry carries the settings, so the recipe can replay it.
 * `checkCancelled` (a job's) stops the run before anything is applied.
 */
export async function simplifyDocument(documents: DocumentStore, editing: EditService, args: MethodArgs<'simplifyModel'>, checkCancelled?: () => void): Promise<SimplifyResult> {
  const doc = documents.get(args.docId);
  const from = doc.model;
  const { model, report } = await simplifyModel(from, {
    ...(args.inputShapes ? { inputShapes: args.inputShapes } : {}),
    ...(args.inputValues ? { inputValues: args.inputValues } : {}),
    ...(args.checkShapes ? { checkShapes: args.checkShapes } : {}),
    ...(args.skip ? { skip: args.skip } : {}),
    force: args.force === true,
    original: await runnableFile(doc),
    ...(checkCancelled ? { checkCancelled } : {}),
  });
  checkCancelled?.();
  const params = {
    ...(args.inputShapes && Object.keys(args.inputShapes).length > 0 ? { inputShapes: args.inputShapes } : {}),
    ...(args.inputValues && Object.keys(args.inputValues).length > 0 ? { inputValues: args.inputValues } : {}),
    ...(args.checkShapes && Object.keys(args.checkShapes).length > 0 ? { checkShapes: args.checkShapes } : {}),
    ...(args.skip && args.skip.length > 0 ? { skip: args.skip } : {}),
    ...(args.force ? { force: true } : {}),
  };
  await editing.commitTransform(doc, from, model, { label: 'Simplify', command: SIMPLIFY_COMMAND, params });
  return { model: modelInfo(doc), report, changes: nodeChanges(from.graph ?? {}, model.graph ?? {}) };
}
