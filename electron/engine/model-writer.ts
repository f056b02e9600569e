import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../shared/api/errors.js';
import { encodeModelChunks } from '../../shared/onnx/encode.js';
import { externalDataRef, isExternal, withExternalRef } from '../../shared/onnx/external-data.js';
import type { ModelProto, TensorProto } from '../../shared/onnx/types.js';
import { allTensors, mapTensors } from '../../shared/onnx/walk-tensors.js';
import { externalLength, resolveExternal } from './external-data-io.js';

export interface SaveOptions {
  overwrite: boolean;
  /** Folder the model was read from; external data locations are relative to it. */
  sourceDir?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Opens the files the save writes; tests pass one whose writes fail (a full disk). */
  openForWriting?: (file: string) => Promise<fs.FileHandle>;
}

const openForWriting = (file: string) => fs.open(file, 'w');

/** What a failed write means to the user, for the errors a disk gives. */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'the disk is full; free some space and save again',
  EDQUOT: 'your disk quota is used up; free some space and save again',
  EACCES: 'you may not write in that folder; choose another one',
  EPERM: 'you may not write in that folder; choose another one',
  EROFS: 'that disk is read-only; choose another folder',
  EIO: 'the disk reported a read/write error; check it and save again',
};

export interface SaveOutcome {
  bytesWritten: number;
  externalDataFile?: string;
}

const COPY_BLOCK = 8 * 1024 * 1024;
/** External tensors start on 64-byte boundaries so runtimes can map them aligned. */
const ALIGN = 64;

function cancelled(): EngineError {
  return new EngineError('CANCELLED', 'The save was cancelled; the previous file is unchanged.');
}

async function checkTarget(outPath: string, overwrite: boolean): Promise<void> {
  const dir = path.dirname(outPath);
  const dirStat = await fs.stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw new EngineError('NOT_FOUND', `Cannot save to '${outPath}': the folder '${dir}' does not exist.`);
  const existing = await fs.stat(outPath).catch(() => null);
  if (existing?.isDirectory()) throw new EngineError('BAD_ARGUMENT', `Cannot save to '${outPath}': it is a folder; give a file name.`);
  if (existing && !overwrite) {
    throw new EngineError('ALREADY_EXISTS', `'${outPath}' already exists; choose another name or allow overwriting.`);
  }
}

/** Temporary files this process is writing now; any other '<name>.tmp-…' beside a target is left from a killed save. */
const writingNow = new Set<string>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A save killed outright (power cut, SIGKILL) leaves its temporary files; the next save of the same file removes them. */
async function removeLeftovers(outPath: string): Promise<void> {
  const leftover = new RegExp(`^${escapeRegExp(path.basename(outPath))}(?:\\.data)?\\.tmp-[0-9a-f]{12}$`);
  const dir = path.dirname(outPath);
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const file = path.join(dir, name);
    if (leftover.test(name) && !writingNow.has(file)) await fs.rm(file, { force: true });
  }
}

/** Writes chunks to an open file, reporting progress and stopping between chunks when cancelled. */
async function writeChunks(fh: fs.FileHandle, chunks: Uint8Array[], opts: SaveOptions, offset: { done: number; total: number }): Promise<void> {
  for (let i = 0; i < chunks.length; ) {
    if (opts.signal?.aborted) throw cancelled();
    const batch: Uint8Array[] = [];
    let size = 0;
    while (i < chunks.length && batch.length < 512 && size < COPY_BLOCK) {
      size += chunks[i]!.length;
      batch.push(chunks[i++]!);
    }
    await fh.writev(batch);
    offset.done += size;
    opts.onProgress?.(offset.done, offset.total);
  }
}

/** Streams each external tensor from its source file into one new data file; returns the rewritten model. */
async function copyExternalData(
  model: ModelProto,
  tensors: TensorProto[],
  dataTmp: string,
  dataName: string,
  opts: SaveOptions,
  progress: { done: number; total: number },
): Promise<ModelProto> {
  const sourceDir = opts.sourceDir;
  if (!sourceDir) throw new EngineError('BAD_ARGUMENT', 'This model keeps its weights in external data files that are not available here; open it from disk to save it.');
  const moved = new Map<TensorProto, TensorProto>();
  const out = await (opts.openForWriting ?? openForWriting)(dataTmp);
  const block = new Uint8Array(COPY_BLOCK);
  let at = 0;
  try {
    for (const t of tensors) {
      const ref = externalDataRef(t);
      const length = externalLength(t, ref);
      at = Math.ceil(at / ALIGN) * ALIGN;
      const src = await fs.open(resolveExternal(sourceDir, ref), 'r').catch(() => {
        throw new EngineError('NOT_FOUND', `Cannot save: the external data '${ref.location}' of tensor '${t.name ?? ''}' is missing.`);
      });
      try {
        for (let copied = 0; copied < length; ) {
          if (opts.signal?.aborted) throw cancelled();
          const { bytesRead } = await src.read(block, 0, Math.min(COPY_BLOCK, length - copied), ref.offset + copied);
          if (bytesRead === 0) throw new EngineError('IO_ERROR', `Cannot save: the external data '${ref.location}' of tensor '${t.name ?? ''}' ends early.`);
          await out.write(block, 0, bytesRead, at + copied);
          copied += bytesRead;
          progress.done += bytesRead;
          opts.onProgress?.(progress.done, progress.total);
        }
      } finally {
        await src.close();
      }
      moved.set(t, withExternalRef(t, { location: dataName, offset: at, length }));
      at += length;
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return mapTensors(model, (t) => moved.get(t) ?? t);
}

/**
 * Saves a model atomically: everything is written to temporary files in the target folder, synced,
 * then renamed into place, so an interrupted or cancelled save leaves the previous file intact.
 * External data goes to '<file name>.data' beside the model.
 */
export async function saveModel(model: ModelProto, outPath: string, opts: SaveOptions): Promise<SaveOutcome> {
  await checkTarget(outPath, opts.overwrite);
  await removeLeftovers(outPath);
  const suffix = `.tmp-${randomBytes(6).toString('hex')}`;
  const modelTmp = outPath + suffix;
  const external: TensorProto[] = [];
  for (const t of new Set(allTensors(model))) if (isExternal(t)) external.push(t);
  const dataName = `${path.basename(outPath)}.data`;
  const dataPath = path.join(path.dirname(outPath), dataName);
  const dataTmp = dataPath + suffix;
  const progress = { done: 0, total: 0 };
  for (const t of external) progress.total += externalLength(t, externalDataRef(t));
  writingNow.add(modelTmp).add(dataTmp);
  try {
    const toWrite = external.length > 0 ? await copyExternalData(model, external, dataTmp, dataName, opts, progress) : model;
    const chunks = encodeModelChunks(toWrite);
    for (const c of chunks) progress.total += c.length;
    const fh = await (opts.openForWriting ?? openForWriting)(modelTmp);
    try {
      await writeChunks(fh, chunks, opts, progress);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.signal?.aborted) throw cancelled();
    if (external.length > 0) await fs.rename(dataTmp, dataPath);
    await fs.rename(modelTmp, outPath);
    return { bytesWritten: progress.done, ...(external.length > 0 ? { externalDataFile: dataPath } : {}) };
  } catch (e) {
    await Promise.all([fs.rm(modelTmp, { force: true }), fs.rm(dataTmp, { force: true })]);
    if (e instanceof EngineError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = (code && WRITE_FAILURES[code]) ?? `writing failed (${code ?? (e as Error).message})`;
    throw new EngineError('IO_ERROR', `Cannot save '${outPath}': ${reason}; nothing was written and the previous file is unchanged.`);
  } finally {
    writingNow.delete(modelTmp);
    writingNow.delete(dataTmp);
  }
}
