import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { EngineError } from '../../../shared/api/errors.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { pixelsToTensor } from '../../../shared/preprocess/to-tensor.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { decodeImage, IMAGE_EXTENSIONS } from './image-decode.js';
import { readNpyValues, readTensorProtoValues, toInputTensor, type SampleValues } from './input-tensor.js';

const TENSOR_EXTENSIONS = ['.npy', '.pb'];
const USABLE = [...IMAGE_EXTENSIONS, ...TENSOR_EXTENSIONS];
const USABLE_LIST = USABLE.join('/');
const MAX_FILES = 1_000_000;
const MAX_FILE_BYTES = 512 * 1024 * 1024;

export interface DatasetFile {
  /** Path below the dataset root, with '/' separators: what the user sees and labels come from. */
  relPath: string;
  filePath: string;
}

/** One model run's worth of data: a file per input, and the class label when the folder has them. */
export interface Sample {
  id: string;
  files: Map<string, DatasetFile>;
  label?: string;
}

export interface ModelInput {
  name: string;
  elemType: number;
  dims: (number | undefined)[];
}

export function modelInputs(model: ModelProto): ModelInput[] {
  const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
  return (model.graph?.input ?? [])
    .filter((v) => v.name && !initializers.has(v.name))
    .map((v) => ({
      name: v.name!,
      elemType: v.type?.tensorType?.elemType ?? 0,
      dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined ? Number(d.dimValue) : undefined)),
    }));
}

function extOf(file: string): string {
  return path.extname(file).toLowerCase();
}

/** Lists a folder's files below it, sorted, skipping hidden entries and not following links. */
export async function walkFolder(root: string): Promise<DatasetFile[]> {
  const stat = await fs.stat(root).catch(() => undefined);
  if (!stat) throw new EngineError('NOT_FOUND', `The folder '${root}' does not exist; choose an existing folder.`);
  if (!stat.isDirectory()) throw new EngineError('BAD_ARGUMENT', `'${root}' is a file, not a folder; choose the folder that holds the images.`);
  const out: DatasetFile[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: Error) => {
      throw new EngineError('IO_ERROR', `Cannot read the folder '${dir}': ${e.message}.`);
    });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(path.join(dir, e.name), relPath);
      else if (e.isFile()) out.push({ relPath, filePath: path.join(dir, e.name) });
      if (out.length > MAX_FILES) throw new EngineError('BAD_ARGUMENT', `The folder '${root}' holds more than ${MAX_FILES} files; choose a smaller one.`);
    }
  };
  await visit(root, '');
  return out;
}

/**
 * A folder of calibration or evaluation data. Images, .npy arrays and ONNX TensorProto .pb files; nested
 * folders allowed. Single-input models take one file per sample. Multi-input models take one folder per
 * sample holding a file per input, named after the input (`input_ids.npy`). Where every file sits in a
 * first-level sub-folder, that folder's name is the sample's class label.
 */
export class Dataset {
  readonly usable: DatasetFile[];
  readonly ignored: DatasetFile[];

  constructor(
    readonly name: string,
    files: DatasetFile[],
    /** Class names in index order, from a labels.txt beside the class folders; else sorted folder names. */
    private readonly labelOrder?: string[],
  ) {
    this.usable = files.filter((f) => USABLE.includes(extOf(f.relPath)));
    this.ignored = files.filter((f) => !USABLE.includes(extOf(f.relPath)));
  }

  get imageCount(): number {
    return this.usable.filter((f) => IMAGE_EXTENSIONS.includes(extOf(f.relPath))).length;
  }

  /** The class folders, when every usable file lies inside one; in labels.txt order when there is one. */
  classes(): string[] {
    if (this.usable.length === 0 || this.usable.some((f) => !f.relPath.includes('/'))) return [];
    const folders = [...new Set(this.usable.map((f) => f.relPath.split('/')[0]!))].sort();
    if (!this.labelOrder) return folders;
    const missing = folders.filter((f) => !this.labelOrder!.includes(f));
    if (missing.length > 0) throw new EngineError('BAD_ARGUMENT', `labels.txt in '${this.name}' does not list the class folder${missing.length > 1 ? 's' : ''} ${missing.slice(0, 3).map((m) => `'${m}'`).join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} or remove labels.txt.`);
    return this.labelOrder;
  }

  /** Fails with the message the user needs when nothing here can be used. */
  requireUsable(): void {
    if (this.usable.length > 0) return;
    if (this.ignored.length === 0) throw new EngineError('BAD_ARGUMENT', `The folder '${this.name}' is empty: expected ${USABLE_LIST} files.`);
    throw new EngineError('BAD_ARGUMENT', `The folder '${this.name}' has no images or tensors: its ${this.ignored.length} files are none of ${USABLE_LIST}.`);
  }

  samples(inputs: readonly ModelInput[]): Sample[] {
    const classes = new Set(this.classes());
    const labelOf = (relPath: string) => (classes.size > 0 ? relPath.split('/')[0] : undefined);
    if (inputs.length <= 1) {
      const name = inputs[0]?.name ?? '';
      return this.usable.map((f) => {
        const label = labelOf(f.relPath);
        return { id: f.relPath, files: new Map([[name, f]]), ...(label !== undefined ? { label } : {}) };
      });
    }
    const byFolder = new Map<string, Map<string, DatasetFile>>();
    const wanted = new Set(inputs.map((i) => i.name));
    for (const f of this.usable) {
      const slash = f.relPath.lastIndexOf('/');
      const folder = slash < 0 ? '' : f.relPath.slice(0, slash);
      const stem = path.basename(f.relPath, path.extname(f.relPath));
      if (!wanted.has(stem)) continue;
      (byFolder.get(folder) ?? byFolder.set(folder, new Map()).get(folder)!).set(stem, f);
    }
    return [...byFolder].map(([folder, files]) => {
      const label = labelOf(`${folder}/x`);
      return { id: folder || '.', files, ...(label !== undefined && folder.includes('/') ? { label } : {}) };
    });
  }
}

/** A folder's class order from its labels.txt (one class name per line), if it has one. */
export async function readLabelOrder(files: readonly DatasetFile[]): Promise<string[] | undefined> {
  const file = files.find((f) => f.relPath === 'labels.txt');
  if (!file) return undefined;
  const lines = (await fs.readFile(file.filePath, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.length > 0 ? lines : undefined;
}

/** Why one sample could not be used; the run skips it and counts it. */
export class SampleError extends Error {}

/**
 * Reads and decodes one sample's files into values per input (images through the preprocessing spec).
 * Throws SampleError (skip and count) for a bad file, EngineError for a problem with the whole run.
 */
export async function readSample(sample: Sample, inputs: readonly ModelInput[], spec: PreprocessSpec | undefined): Promise<Map<string, SampleValues>> {
  const values = new Map<string, SampleValues>();
  for (const input of inputs) {
    const file = sample.files.get(input.name);
    if (!file) throw new SampleError(`${sample.id}: no file for input '${input.name}'`);
    const ext = extOf(file.relPath);
    try {
      const size = (await fs.stat(file.filePath)).size;
      if (size > MAX_FILE_BYTES) throw new Error(`it is larger than ${MAX_FILE_BYTES / 2 ** 20} MiB`);
      const bytes = await fs.readFile(file.filePath);
      if (IMAGE_EXTENSIONS.includes(ext)) {
        if (!spec) throw new EngineError('BAD_ARGUMENT', `The data holds images for input '${input.name}' but no preprocessing was given; give one (--preprocess FILE).`);
        const data = pixelsToTensor(await decodeImage(bytes, ext, spec), spec);
        const [h, w] = spec.size;
        const c = spec.color === 'gray' ? 1 : 3;
        values.set(input.name, { data, dims: spec.layout === 'NCHW' ? [c, h, w] : [h, w, c] });
      } else {
        values.set(input.name, ext === '.npy' ? readNpyValues(bytes) : readTensorProtoValues(bytes));
      }
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw new SampleError(`${file.relPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return values;
}

/** A model's feeds from a sample's values, converted to each input's element type and checked against its shape. */
export function feedsFor(sample: Sample, values: ReadonlyMap<string, SampleValues>, inputs: readonly ModelInput[]): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const v = values.get(input.name);
    if (!v) throw new SampleError(`${sample.id}: no file for input '${input.name}'`);
    try {
      feeds[input.name] = toInputTensor(v, input.elemType, input.dims);
    } catch (e) {
      throw new SampleError(`${sample.files.get(input.name)?.relPath ?? sample.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return feeds;
}

/** Reads one sample into the model's feeds. */
export async function loadSample(sample: Sample, inputs: readonly ModelInput[], spec: PreprocessSpec | undefined): Promise<Record<string, ort.Tensor>> {
  return feedsFor(sample, await readSample(sample, inputs, spec), inputs);
}
