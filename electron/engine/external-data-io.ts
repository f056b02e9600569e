import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../../shared/graph/validate.js';
import { externalDataRef, isExternal, type ExternalDataRef } from '../../shared/onnx/external-data.js';
import type { ModelProto, TensorProto } from '../../shared/onnx/types.js';
import { allTensors } from '../../shared/onnx/walk-tensors.js';
import { tensorByteSize } from '../../shared/model/tensor-info.js';

export function resolveExternal(modelDir: string, ref: ExternalDataRef): string {
  return path.join(modelDir, ...ref.location.split('/'));
}

/** The byte length a tensor's external data occupies: its recorded length, else what its type needs. */
export function externalLength(t: TensorProto, ref: ExternalDataRef): number {
  return ref.length ?? tensorByteSize(t);
}

/**
 * Checks, without reading any weights, that each external tensor's file exists inside the model's
 * folder and is long enough. Missing data is reported as a problem rather than failing the open,
 * so the user can still see and fix the graph.
 */
export async function checkExternalData(model: ModelProto, modelDir: string | undefined): Promise<Problem[]> {
  const problems: Problem[] = [];
  const sizes = new Map<string, number | null>();
  for (const t of allTensors(model)) {
    if (!isExternal(t)) continue;
    const problem = (message: string) => problems.push({ severity: 'error', code: 'dangling-input', message, graphPath: 'main' });
    let ref: ExternalDataRef;
    try {
      ref = externalDataRef(t);
    } catch (e) {
      problem((e as Error).message);
      continue;
    }
    if (!modelDir) {
      problem(`tensor '${t.name ?? ''}' keeps its data in '${ref.location}', which was not uploaded with the model`);
      continue;
    }
    const file = resolveExternal(modelDir, ref);
    if (!sizes.has(file)) sizes.set(file, await fs.stat(file).then((s) => s.size, () => null));
    const size = sizes.get(file);
    const end = ref.offset + externalLength(t, ref);
    if (size === null) problem(`tensor '${t.name ?? ''}' keeps its data in '${ref.location}', which does not exist next to the model`);
    else if (size! < end) problem(`tensor '${t.name ?? ''}' needs bytes up to ${end} of '${ref.location}', but that file has only ${size}`);
  }
  return problems;
}

/** Reads one external tensor's bytes (lazily: only when a feature needs the weights). */
export async function readExternalTensor(modelDir: string, t: TensorProto): Promise<Uint8Array> {
  const ref = externalDataRef(t);
  const length = externalLength(t, ref);
  const fh = await fs.open(resolveExternal(modelDir, ref), 'r');
  try {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(out, done, length - done, ref.offset + done);
      if (bytesRead === 0) throw new Error(`external data of '${t.name ?? ''}' ends early`);
      done += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}
