import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EditHistory } from '../../shared/edit/history.js';
import { encodeModel } from '../../shared/onnx/encode.js';
import { isExternal } from '../../shared/onnx/external-data.js';
import { allTensors } from '../../shared/onnx/walk-tensors.js';
import type { ModelInfo } from '../../shared/api/dto.js';
import { EngineError } from '../../shared/api/errors.js';
import type { Problem } from '../../shared/graph/validate.js';
import { summarizeModel } from '../../shared/model/summary.js';
import type { ModelProto } from '../../shared/onnx/types.js';

/** An open model. The engine owns it; clients see ModelInfo and, later, read-only mirrors. */
export interface ModelDocument {
  readonly docId: string;
  model: ModelProto;
  /** Keeps initializer views valid. */
  readonly bytes: Uint8Array;
  readonly fileName: string;
  path?: string;
  /** The file the model was read from (also for samples and uploads): what ONNX Runtime loads. */
  readonly sourceFile: string;
  /** Folder that external data locations are relative to. */
  readonly sourceDir?: string;
  readonly sizeBytes: number;
  problems: Problem[];
  version: number;
  dirty: boolean;
  /** Edits applied to this document, for undo/redo and as its recipe. */
  readonly history: EditHistory;
  /** A file holding the model as of `version`, written when something must load an edited model. */
  runnable?: { version: number; file: string };
  /** `path` as it was on disk when opened or last saved, to notice another program changing it. */
  diskState?: DiskState;
}

export interface DiskState {
  size: number;
  mtimeMs: number;
}

/** What a file looks like on disk now, or null when it is gone. */
export async function diskStateOf(file: string): Promise<DiskState | null> {
  const stat = await fs.stat(file).catch(() => null);
  return stat ? { size: stat.size, mtimeMs: stat.mtimeMs } : null;
}

export class DocumentStore {
  private readonly docs = new Map<string, ModelDocument>();

  add(doc: Omit<ModelDocument, 'docId' | 'version' | 'dirty' | 'history'>): ModelDocument {
    const full: ModelDocument = { ...doc, docId: randomUUID(), version: 0, dirty: false, history: new EditHistory() };
    this.docs.set(full.docId, full);
    return full;
  }

  get(docId: string): ModelDocument {
    const doc = this.docs.get(docId);
    if (!doc) throw new EngineError('NOT_FOUND', `No open model has id '${docId}'; open the model again.`);
    return doc;
  }

  all(): ModelDocument[] {
    return [...this.docs.values()];
  }

  /** Forgets the document and deletes what was written for it alone; returns it so its owner can release the rest. */
  async close(docId: string): Promise<ModelDocument> {
    const doc = this.get(docId);
    this.docs.delete(docId);
    if (doc.runnable) await fs.rm(doc.runnable.file, { force: true });
    return doc;
  }
}

let scratch: Promise<string> | undefined;

/**
 * The file ONNX Runtime should load for a document: the file it came from until it is edited, then the
 * edited model written once per version (beside the original when it has external data, whose locations
 * are relative to the model's folder; else in a temporary folder).
 */
export async function runnableFile(doc: ModelDocument): Promise<string> {
  if (doc.version === 0) return doc.sourceFile;
  if (doc.runnable?.version === doc.version) return doc.runnable.file;
  const external = [...allTensors(doc.model)].some(isExternal);
  scratch ??= fs.mkdtemp(path.join(os.tmpdir(), 'onnx-studio-edited-'));
  const dir = external && doc.sourceDir ? doc.sourceDir : await scratch;
  const file = path.join(dir, `.${doc.docId}-v${doc.version}.onnx`);
  await fs.writeFile(file, encodeModel(doc.model));
  if (doc.runnable) await fs.rm(doc.runnable.file, { force: true });
  doc.runnable = { version: doc.version, file };
  return file;
}

export function modelInfo(doc: ModelDocument): ModelInfo {
  return {
    docId: doc.docId,
    fileName: doc.fileName,
    ...(doc.path ? { path: doc.path } : {}),
    sizeBytes: doc.sizeBytes,
    summary: summarizeModel(doc.model),
    problems: doc.problems,
    version: doc.version,
    dirty: doc.dirty,
    ...(doc.history.undoLabel ? { undoLabel: doc.history.undoLabel } : {}),
    ...(doc.history.redoLabel ? { redoLabel: doc.history.redoLabel } : {}),
  };
}
