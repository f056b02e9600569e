import type { ModelInfo } from '../../../shared/api/dto.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import { validateModel } from '../../../shared/graph/validate.js';
import type { SimplifyReport } from '../../../shared/simplify/simplify-report.js';
import { modelInfo, runnableFile, type DocumentStore } from '../documents.js';
import { opRegistry } from '../op-metadata.js';
import { simplifyModel } from './simplify-model.js';

/**
 * The engine method: simplifies an open document into a new, unsaved document (the original stays
 * as it was, so the user can compare the two and keep either).
 */
export async function simplifyDocument(documents: DocumentStore, args: MethodArgs<'simplifyModel'>): Promise<{ model: ModelInfo; report: SimplifyReport }> {
  const doc = documents.get(args.docId);
  const { model, report } = await simplifyModel(doc.model, {
    ...(args.inputShapes ? { inputShapes: args.inputShapes } : {}),
    ...(args.skip ? { skip: args.skip } : {}),
    force: args.force === true,
    original: await runnableFile(doc),
  });
  const added = documents.add({
    model,
    // The folded initializers own their bytes; the rest are still views into the original's.
    bytes: doc.bytes,
    fileName: `${doc.fileName.replace(/\.onnx$/i, '')}.simplified.onnx`,
    sourceFile: doc.sourceFile,
    ...(doc.sourceDir ? { sourceDir: doc.sourceDir } : {}),
    sizeBytes: report.bytesAfter,
    problems: validateModel(model, opRegistry()),
  });
  // Not the source file's model: anything that runs it writes it out first.
  added.version = 1;
  added.dirty = true;
  return { model: modelInfo(added), report };
}
