import { readFile } from 'node:fs/promises';
import type { ConvertOpsetResult, ModelInfo } from '../../../shared/api/dto.js';
import { EngineError } from '../../../shared/api/errors.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import { EDIT_COMMANDS, runCommand } from '../../../shared/edit/commands.js';
import { extractSubgraph } from '../../../shared/edit/extract-subgraph.js';
import { validateModel } from '../../../shared/graph/validate.js';
import { parseNpy } from '../../../shared/model/npy.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { modelInfo, type DocumentStore, type ModelDocument } from '../documents.js';
import { checkExternalData } from '../external-data-io.js';
import { decodeModelBytes } from '../model-reader.js';
import { opRegistry } from '../op-metadata.js';
import { checkBatchIndependence } from './batch-check.js';
import { assertLocalFileAccess } from '../call-context.js';
import { convertDocument } from '../converting/convert-document.js';
import { nodeChanges } from '../../../shared/simplify/node-changes.js';

/** The history label setOpset gives the same edit. */
const runCommandLabel = (params: { domain: string; version: number }) => (EDIT_COMMANDS.setOpset as unknown as { label(p: typeof params): string }).label(params);

const NPY_TYPES: Record<string, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 };

/** Edits, undo and redo on open documents; every edit is validated and its problems shown. */
export class EditService {
  constructor(
    private readonly documents: DocumentStore,
    private readonly resolveBlob: (blobId: string) => Promise<string>,
  ) {}

  private async commit(doc: ModelDocument, model: ModelProto): Promise<void> {
    doc.model = model;
    doc.version++;
    doc.dirty = true;
    doc.problems = [...validateModel(model, opRegistry()), ...(await checkExternalData(model, doc.sourceDir))];
  }

  /** A .npy file's contents as replaceInitializer parameters. */
  private async npyParams(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const file = params.file as { kind: 'path'; path: string } | { kind: 'blob'; blobId: string };
    if (file.kind === 'path') assertLocalFileAccess('a tensor file path');
    const path = file.kind === 'path' ? file.path : await this.resolveBlob(file.blobId);
    let array;
    try {
      array = parseNpy(await readFile(path));
    } catch (e) {
      throw new EngineError('BAD_ARGUMENT', `Cannot use that file as tensor values: ${e instanceof Error ? e.message : String(e)}.`);
    }
    const { file: _f, ...rest } = params;
    const data = array.data as ArrayLike<number> & { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
    return { ...rest, dataType: NPY_TYPES[array.dtype], dims: array.shape, raw: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice() };
  }

  async apply(args: MethodArgs<'applyEdit'>): Promise<ModelInfo & { notes: string[] }> {
    const doc = this.documents.get(args.docId);
    let params = args.params as Record<string, unknown>;
    // Converting the default opset is checked in ONNX Runtime before it is committed.
    const opset = params && typeof params === 'object' ? (params as { domain?: unknown; version?: unknown }) : undefined;
    if (args.command === 'setOpset' && (opset?.domain === '' || opset?.domain === 'ai.onnx') && typeof opset.version === 'number' && Number.isInteger(opset.version)) {
      const converted = await this.convertOpset({ docId: args.docId, opset: opset.version });
      return { ...converted.model, notes: converted.notes };
    }
    if (args.command === 'replaceInitializer' && params && typeof params === 'object' && 'file' in params) params = await this.npyParams(params);
    let result;
    try {
      result = runCommand(doc.model, args.command, params);
    } catch (e) {
      throw new EngineError('BAD_ARGUMENT', e instanceof Error ? e.message : String(e));
    }
    const notes: string[] = [];
    if (args.command === 'setDim') {
      const p = result.params as { tensor: string; axis: number; value: number | string };
      const isInput = (doc.model.graph?.input ?? []).some((v) => v.name === p.tensor);
      if (isInput && p.axis === 0 && typeof p.value === 'string') {
        const problem = await checkBatchIndependence(result.model, (result.model.graph?.input ?? []).filter((v) => v.type?.tensorType?.shape?.dim?.[0]?.dimParam === p.value).map((v) => v.name ?? ''));
        if (problem) {
          throw new EngineError('BAD_ARGUMENT', `Making '${p.tensor}' dynamic was refused because ${problem}: a constant or an operation in the model fixes the old batch size. Nothing was changed.`);
        }
        const before = new Set((doc.model.graph?.initializer ?? []).map((t) => t.name));
        const rewritten = (result.model.graph?.initializer ?? []).filter((t) => !before.has(t.name)).map((t) => t.name);
        if (rewritten.length > 0) notes.push(`Rewrote constants that fixed the old size: ${rewritten.join(', ')}.`);
        notes.push('Checked: each sample of batches of 4 and 2 comes out as it does alone.');
      }
    }
    const before = doc.model;
    await this.commit(doc, result.model);
    doc.history.push({ label: result.label, command: args.command, params: result.params, before, after: result.model });
    return { ...modelInfo(doc), notes };
  }

  /**
   * Takes a whole-model transform (simplify, opset conversion) as one undoable edit. The model must
   * still be the one the transform started from: an edit made meanwhile would otherwise be lost.
   */
  async commitTransform(doc: ModelDocument, from: ModelProto, model: ModelProto, entry: { label: string; command: string; params: unknown }): Promise<void> {
    if (doc.model !== from) throw new EngineError('BAD_ARGUMENT', `The model changed while '${entry.label}' ran, so its result was not applied; run it again.`);
    await this.commit(doc, model);
    doc.history.push({ ...entry, before: from, after: model });
  }

  /**
   * Converts the default-domain opset as an undoable edit, recorded as setOpset (which replays the same
   * conversion; a forced one says so in its parameters). `checkCancelled` stops it before it is applied.
   */
  async convertOpset(args: MethodArgs<'convertOpset'>, checkCancelled?: () => void): Promise<ConvertOpsetResult> {
    const doc = this.documents.get(args.docId);
    const from = doc.model;
    const outcome = await convertDocument(doc, args.opset, args.force === true, { ...(args.inputShapes ? { shapes: args.inputShapes } : {}), ...(args.inputValues ? { values: args.inputValues } : {}) });
    const { model, ...report } = outcome;
    const changes = nodeChanges(from.graph ?? {}, model.graph ?? {});
    if (model !== from) {
      checkCancelled?.();
      const params = { domain: '', version: args.opset, ...(args.inputShapes ? { inputShapes: args.inputShapes } : {}), ...(args.inputValues ? { inputValues: args.inputValues } : {}), ...(args.force ? { force: true } : {}) };
      await this.commitTransform(doc, from, model, { label: runCommandLabel({ domain: '', version: args.opset }), command: 'setOpset', params });
    }
    return { ...report, changes, model: modelInfo(doc) };
  }

  async undo(docId: string): Promise<ModelInfo> {
    const doc = this.documents.get(docId);
    const entry = doc.history.undo();
    if (!entry) throw new EngineError('BAD_ARGUMENT', 'There is nothing to undo.');
    await this.commit(doc, entry.before);
    return modelInfo(doc);
  }

  async redo(docId: string): Promise<ModelInfo> {
    const doc = this.documents.get(docId);
    const entry = doc.history.redo();
    if (!entry) throw new EngineError('BAD_ARGUMENT', 'There is nothing to redo.');
    await this.commit(doc, entry.after);
    return modelInfo(doc);
  }

  /** The part of a model between chosen tensors, opened as a new document. */
  async extract(args: MethodArgs<'extractSubgraph'>): Promise<ModelInfo> {
    const doc = this.documents.get(args.docId);
    let model: ModelProto;
    try {
      model = extractSubgraph(doc.model, args.inputs, args.outputs);
    } catch (e) {
      throw new EngineError('BAD_ARGUMENT', `Cannot extract that part: ${e instanceof Error ? e.message : String(e)}.`);
    }
    const bytes = encodeModel(model);
    const fileName = `${doc.fileName.replace(/\.onnx$/i, '')}.extract.onnx`;
    const reopened = decodeModelBytes(bytes, fileName);
    const added = this.documents.add({
      model: reopened,
      bytes,
      fileName,
      sourceFile: doc.sourceFile,
      ...(doc.sourceDir ? { sourceDir: doc.sourceDir } : {}),
      sizeBytes: bytes.length,
      problems: validateModel(reopened, opRegistry()),
    });
    // Not the source file's model: anything that runs it must write it out first.
    added.version = 1;
    added.dirty = true;
    return modelInfo(added);
  }
}
