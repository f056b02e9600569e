import { EngineError } from '../../../shared/api/errors.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import type { DiffView } from '../../../shared/diff/diff-view.js';
import { mergedGraph } from '../../../shared/diff/merged-graph.js';
import { compareModels, type ModelComparison, type ModelDiff } from '../../../shared/diff/model-diff.js';
import { buildGraphView } from '../../../shared/graph/graph-view.js';
import { MAIN } from '../../../shared/graph/graph-path.js';
import { isExternal } from '../../../shared/onnx/external-data.js';
import type { ModelProto, TensorProto } from '../../../shared/onnx/types.js';
import type { DocumentStore } from '../documents.js';
import { readExternalTensor } from '../external-data-io.js';
import { opCategories, opRegistry } from '../op-metadata.js';

/**
 * Reads a model's external weights up front, so the diff can compare their values. Without the folder
 * they live in (an uploaded model) they cannot be read, and their values are not compared.
 */
export async function externalBytes(model: ModelProto, dir: string | undefined): Promise<(t: TensorProto) => Uint8Array | undefined> {
  const bytes = new Map<TensorProto, Uint8Array>();
  if (dir) {
    for (const t of model.graph?.initializer ?? []) {
      if (!isExternal(t)) continue;
      const read = await readExternalTensor(dir, t).catch((e: Error) => {
        throw new EngineError('IO_ERROR', `Cannot read the external data of '${t.name ?? ''}' to compare it: ${e.message}.`);
      });
      bytes.set(t, read);
    }
  }
  return (t) => bytes.get(t);
}

async function compareDocuments(documents: DocumentStore, args: MethodArgs<'diffModels'>): Promise<{ a: ModelProto; b: ModelProto; comparison: ModelComparison }> {
  const docA = documents.get(args.docIdA);
  const docB = documents.get(args.docIdB);
  const comparison = compareModels(docA.model, docB.model, {
    rawA: await externalBytes(docA.model, docA.sourceDir),
    rawB: await externalBytes(docB.model, docB.sourceDir),
  });
  return { a: docA.model, b: docB.model, comparison };
}

/** Engine `diffModels`: the diff of two open documents, as `onnx-studio diff --json` reports it. */
export async function diffDocuments(documents: DocumentStore, args: MethodArgs<'diffModels'>): Promise<ModelDiff> {
  return (await compareDocuments(documents, args)).comparison.diff;
}

/** Engine `getDiffView`: the diff drawn on one merged graph, with a mark per node. */
export async function diffDocumentsView(documents: DocumentStore, args: MethodArgs<'getDiffView'>): Promise<DiffView> {
  const { a, b, comparison } = await compareDocuments(documents, args);
  const merged = mergedGraph(a, b, comparison);
  const view = buildGraphView(merged.model, MAIN, opRegistry(), opCategories());
  if (!view) throw new EngineError('INTERNAL', 'The merged graph of the two models could not be built.');
  return { view, marks: merged.marks, diff: comparison.diff };
}
