import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/api/errors.js';
import { DecodeError } from '../../shared/onnx/decode-error.js';
import { decodeModel } from '../../shared/onnx/decode.js';
import { wrapLoneMessage } from '../../shared/onnx/lone-message.js';
import { JsonModelError, looksLikeJson, readModelJson } from '../../shared/onnx/json-reader.js';
import { looksLikeOnnxText, readModelText, TextModelError } from '../../shared/onnx/text-reader.js';
import { looksLikePbtxt, PbtxtModelError, readModelPbtxt } from '../../shared/onnx/pbtxt-reader.js';
import type { ModelProto } from '../../shared/onnx/types.js';

/** Protobuf messages cannot exceed 2 GiB; bigger models keep their weights as external data. */
const MAX_PROTOBUF_BYTES = 2 ** 31 - 1;

export interface LoadedModel {
  model: ModelProto;
  /** The file's bytes; initializers are views into it, so it lives as long as the model. */
  bytes: Uint8Array;
  sizeBytes: number;
}

function gib(n: number): string {
  return `${(n / 2 ** 30).toFixed(2)} GiB`;
}

/** Stats a path the user gave and says clearly why it cannot be opened as a model file. */
export async function checkModelPath(filePath: string): Promise<number> {
  let stat;
  try {
    stat = await fs.stat(filePath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EngineError('NOT_FOUND', `No file at '${filePath}'; check the path.`);
    if (code === 'EACCES' || code === 'EPERM') throw new EngineError('IO_ERROR', `Cannot read '${filePath}': permission denied.`);
    throw new EngineError('IO_ERROR', `Cannot read '${filePath}' (${code ?? 'unknown error'}).`);
  }
  if (stat.isDirectory()) throw new EngineError('BAD_ARGUMENT', `'${filePath}' is a folder; pass the .onnx file inside it.`);
  if (!stat.isFile()) throw new EngineError('BAD_ARGUMENT', `'${filePath}' is not a regular file; pass an .onnx file.`);
  if (stat.size === 0) throw new EngineError('INVALID_MODEL', `'${filePath}' is empty (0 bytes), so it is not an ONNX model.`);
  if (stat.size > MAX_PROTOBUF_BYTES) {
    throw new EngineError('INVALID_MODEL', `'${filePath}' is ${gib(stat.size)}, but an ONNX protobuf file cannot exceed 2 GiB; store the weights as external data.`);
  }
  return stat.size;
}

/** Decodes model bytes, turning codec errors into one sentence that names the file, byte offset and field. */
export function decodeModelBytes(bytes: Uint8Array, displayName: string): ModelProto {
  let model: ModelProto;
  try {
    // Netron also opens a model's JSON form (protobuf's JSON mapping), protobuf's text format and the
    // ONNX text form (the syntax of onnx.parser / onnx.printer); all read into the same ModelProto.
    if (looksLikeJson(bytes)) model = readModelJson(new TextDecoder().decode(bytes));
    else if (looksLikePbtxt(bytes)) model = readModelPbtxt(new TextDecoder().decode(bytes));
    else if (looksLikeOnnxText(bytes)) model = readModelText(new TextDecoder().decode(bytes));
    else model = decodeModel(bytes);
  } catch (e) {
    if (e instanceof PbtxtModelError) throw new EngineError('INVALID_MODEL', `'${displayName}' is not a valid ONNX model in protobuf text format: ${e.message}.`);
    if (e instanceof TextModelError) throw new EngineError('INVALID_MODEL', `'${displayName}' is not a valid ONNX text model: ${e.message}.`);
    if (e instanceof JsonModelError) throw new EngineError('INVALID_MODEL', `'${displayName}' is not a valid ONNX JSON model: ${e.message}.`);
    const lone = e instanceof DecodeError ? wrapLoneMessage(bytes) : undefined;
    if (lone) return lone;
    if (e instanceof DecodeError) {
      throw new EngineError('INVALID_MODEL', `'${displayName}' is not a valid ONNX model: ${e.message}.`, { offset: e.offset, field: e.fieldPath.join('.') });
    }
    throw e;
  }
  // Random bytes can parse as a protobuf made only of unknown fields; a model has a graph.
  if (!model.graph) {
    const lone = wrapLoneMessage(bytes);
    if (lone) return lone;
    throw new EngineError('INVALID_MODEL', `'${displayName}' is not an ONNX model: it holds no graph.`);
  }
  return model;
}

export async function readModelFile(filePath: string): Promise<LoadedModel> {
  const sizeBytes = await checkModelPath(filePath);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(filePath);
  } catch (e) {
    throw new EngineError('IO_ERROR', `Cannot read '${filePath}' (${(e as NodeJS.ErrnoException).code ?? 'read failed'}).`);
  }
  return { model: decodeModelBytes(bytes, path.basename(filePath)), bytes, sizeBytes };
}
