import { randomUUID } from 'node:crypto';
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
}

export class DocumentStore {
  private readonly docs = new Map<string, ModelDocument>();

  add(doc: Omit<ModelDocument, 'docId' | 'version' | 'dirty'>): ModelDocument {
    const full: ModelDocument = { ...doc, docId: randomUUID(), version: 0, dirty: false };
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

  close(docId: string): void {
    this.get(docId);
    this.docs.delete(docId);
  }
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
  };
}
