import { randomUUID } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatasetInfo, PreprocessPreview, QuantizeCatalog, QuantizeResult } from '../../../shared/api/dto.js';
import { EngineError } from '../../../shared/api/errors.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { isExternal } from '../../../shared/onnx/external-data.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { mapTensors, allTensors } from '../../../shared/onnx/walk-tensors.js';
import { parsePreprocessSpec, proposePreprocess, type PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { pixelsToTensor } from '../../../shared/preprocess/to-tensor.js';
import { DEFAULT_PRESET, int8Options } from '../../../shared/quantize/presets.js';
import type { Int8Options } from '../../../shared/quantize/quant-options.js';
import type { QdqPlan } from '../../../shared/quantize/qdq-plan.js';
import { opsetProblem, requiredOpset } from '../../../shared/quantize/opset-requirement.js';
import { convertDocument } from '../converting/convert-document.js';
import { agreementProblem, measureAgreement, modeLabel, SAMPLES as AGREEMENT_SAMPLES } from './agreement-check.js';
import { Dataset, loadSample, modelInputs, readLabelOrder, walkFolder, type DatasetFile } from '../datasets/dataset.js';
import { decodeImage, IMAGE_EXTENSIONS, tensorPreview } from '../datasets/image-decode.js';
import { runnableFile, type DocumentStore, type ModelDocument } from '../documents.js';
import { readExternalTensor } from '../external-data-io.js';
import type { JobManager } from '../jobs.js';
import { decodeModelBytes } from '../model-reader.js';
import { saveModel } from '../model-writer.js';
import { opRegistry } from '../op-metadata.js';
import { QUIET } from '../profiling/backends.js';
import { validateModel } from '../../../shared/graph/validate.js';
import { quantize, quantPresets, quantRules, staticPlan, type CalibrationCache, type QuantizeOutcome } from './quantize-run.js';
import { quantizeToAccuracy } from './accuracy-aware.js';
import type { RecipeRecorder } from '../recipes/recipe-recorder.js';
import { LruMap } from '../lru-map.js';

const BLOB_ID = /^[a-f0-9-]{36}$/;
const SUFFIX = { fp16: 'fp16', 'int8-dynamic': 'int8-dynamic', 'int8-static': 'int8' } as const;

/** Quantization and its datasets, for the engine: folders listed once, calibration reused across methods. */
export class QuantizeService {
  // Bounded, least recently used first out: an engine that runs for days must not keep every folder
  // listing and every calibration (activation statistics of every calibrated tensor) it ever made.
  private readonly datasets = new LruMap<string, Dataset>(64);
  private readonly calibrationCache: CalibrationCache = new LruMap(4);
  private workDir: Promise<string> | undefined;

  constructor(
    private readonly documents: DocumentStore,
    private readonly jobs: JobManager,
    private readonly blobDir: string | undefined,
    private readonly recorder: RecipeRecorder,
  ) {}

  catalog(): QuantizeCatalog {
    const rules = quantRules();
    return { presets: quantPresets().presets, defaultPreset: DEFAULT_PRESET, leftInFloat: rules.leftInFloat, fp16KeptInFloat: rules.fp16KeptInFloat };
  }

  proposePreprocess(docId: string): PreprocessSpec | null {
    const model = this.documents.get(docId).model;
    const initializers = new Set((model.graph?.initializer ?? []).map((t) => t.name));
    for (const input of model.graph?.input ?? []) {
      if (initializers.has(input.name)) continue;
      const spec = proposePreprocess(input);
      if (spec) return spec;
    }
    return null;
  }

  async openDataset(args: MethodArgs<'openDataset'>): Promise<DatasetInfo> {
    const source = args.source;
    let files: DatasetFile[];
    let name: string;
    if (source.kind === 'path') {
      name = path.resolve(source.path);
      files = await walkFolder(name);
    } else {
      name = source.name;
      files = await Promise.all(source.files.map((f) => this.blobFile(f.blobId, f.path)));
    }
    const dataset = new Dataset(name, files, await readLabelOrder(files));
    dataset.requireUsable();
    dataset.classes();
    const datasetId = randomUUID();
    this.datasets.set(datasetId, dataset);
    return {
      datasetId,
      name: source.kind === 'path' ? path.basename(name) : name,
      fileCount: dataset.usable.length,
      imageCount: dataset.imageCount,
      ignoredCount: dataset.ignored.length,
      classes: dataset.classes(),
    };
  }

  private async blobFile(blobId: string, relPath: string): Promise<DatasetFile> {
    const missing = () => new EngineError('NOT_FOUND', `The uploaded file '${relPath}' is gone; drop the folder again.`);
    if (!this.blobDir || !BLOB_ID.test(blobId)) throw missing();
    const dir = path.join(this.blobDir, blobId);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    if (names.length !== 1) throw missing();
    // The path inside the dropped folder is only a label; the bytes are the blob's.
    const clean = relPath.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..').join('/');
    return { relPath: clean || names[0]!, filePath: path.join(dir, names[0]!) };
  }

  dataset(datasetId: string): Dataset {
    const d = this.datasets.get(datasetId);
    if (!d) throw new EngineError('NOT_FOUND', `There is no open dataset '${datasetId}'; choose the folder again.`);
    return d;
  }

  async previewPreprocess(args: MethodArgs<'previewPreprocess'>): Promise<PreprocessPreview> {
    const dataset = this.dataset(args.datasetId);
    const spec = specOrError(args.spec);
    const images = dataset.usable.filter((f) => IMAGE_EXTENSIONS.includes(path.extname(f.relPath).toLowerCase()));
    if (images.length === 0) throw new EngineError('BAD_ARGUMENT', 'This dataset has no images to preview; tensors (.npy, .pb) are fed as they are.');
    const file = images[Math.min(args.index ?? 0, images.length - 1)]!;
    let tensor: Float32Array;
    try {
      tensor = pixelsToTensor(await decodeImage(await fs.readFile(file.filePath), path.extname(file.relPath).toLowerCase(), spec), spec);
    } catch (e) {
      throw new EngineError('BAD_ARGUMENT', `Cannot read the image '${file.relPath}': ${e instanceof Error ? e.message : String(e)}.`);
    }
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const v of tensor) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const [h, w] = spec.size;
    const c = spec.color === 'gray' ? 1 : 3;
    const png = await tensorPreview(tensor, spec);
    return {
      file: file.relPath,
      imageUrl: `data:image/png;base64,${png.toString('base64')}`,
      shape: spec.layout === 'NCHW' ? [1, c, h, w] : [1, h, w, c],
      min,
      max,
      mean: sum / tensor.length,
    };
  }

  private int8(args: MethodArgs<'startQuantize'>): Int8Options {
    const presets = quantPresets().presets;
    const id = args.backend ?? DEFAULT_PRESET;
    const preset = presets.find((p) => p.id === id);
    if (!preset) throw new EngineError('BAD_ARGUMENT', `There is no backend preset '${id}'; choose one of: ${presets.map((p) => p.id).join(', ')}.`);
    const o = int8Options(preset, {
      ...(args.method ? { method: args.method } : {}),
      ...(args.percentile !== undefined ? { percentile: args.percentile } : {}),
      excludeNodes: args.excludeNodes ?? [],
      excludeOpTypes: args.excludeOpTypes ?? [],
    });
    if (args.perChannel !== undefined) o.weights.perChannel = args.perChannel;
    if (args.activationType) o.activations.type = args.activationType;
    if (args.symmetricActivations !== undefined) o.activations.symmetric = args.symmetricActivations;
    if (args.weightType) o.weights.type = args.weightType;
    if (args.reduceRange !== undefined) o.weights.reduceRange = args.reduceRange;
    return o;
  }

  /** Checks what can be checked at once, so bad requests fail before a job starts. */
  async startQuantize(args: MethodArgs<'startQuantize'>): Promise<{ jobId: string }> {
    const original = this.documents.get(args.docId);
    const int8 = this.int8(args);
    // A model older than the rewrite needs is converted first (checked in ONNX Runtime), never relabelled.
    const need = opsetProblem(original.model, original.fileName, args.mode, int8) ? requiredOpset(args.mode, int8) : undefined;
    const upgrade = need ? await convertDocument(original, need.opset, false) : undefined;
    const upgradeNote = upgrade ? `The model was converted from opset ${upgrade.opsetBefore} to ${upgrade.opsetAfter} first (${need!.why} needs it); ONNX Runtime found the same outputs (largest difference ${upgrade.maxAbsDiff}).` : undefined;
    const doc: ModelDocument = upgrade ? { ...original, model: upgrade.model, runnable: undefined } as ModelDocument : original;
    const unknown = (args.excludeNodes ?? []).filter((n) => !(doc.model.graph?.node ?? []).some((x, i) => (x.name || `${x.opType}_${i}`) === n));
    if (unknown.length > 0) throw new EngineError('BAD_ARGUMENT', `The model has no node named ${unknown.slice(0, 3).map((n) => `'${n}'`).join(', ')}; check the names to exclude.`);
    const dataset = args.datasetId ? this.dataset(args.datasetId) : undefined;
    const evalData = args.accuracy ? this.dataset(args.accuracy.evalDatasetId) : undefined;
    if (evalData && args.mode !== 'int8-static') throw new EngineError('BAD_ARGUMENT', 'An accuracy target applies to INT8 static quantization only.');
    if (evalData && evalData.classes().length < 2) throw new EngineError('BAD_ARGUMENT', `The evaluation folder '${evalData.name}' needs one sub-folder per class to measure accuracy.`);
    if (evalData) requireLabelled(evalData, doc.model);
    let spec: PreprocessSpec | undefined;
    let plan: QdqPlan | undefined;
    if (args.mode === 'int8-static') {
      plan = staticPlan(doc.model, int8);
      if (!dataset) throw new EngineError('BAD_ARGUMENT', 'INT8 static quantization needs calibration data; choose a folder of images or tensors.');
      dataset.requireUsable();
      spec = args.spec ? specOrError(args.spec) : dataset.imageCount > 0 ? (this.proposePreprocess(doc.docId) ?? undefined) : undefined;
      if (dataset.imageCount > 0 && !spec) throw new EngineError('BAD_ARGUMENT', 'The calibration folder holds images, but the model has no image-shaped input to propose preprocessing for; give a preprocessing spec.');
      if (spec) checkSpecFitsModel(spec, doc.model);
    }
    // FP16 keeps the default op list in float32, plus any op types the user excluded.
    const fp16 = { keepIOTypes: args.keepIOTypes ?? true, blockOps: args.fp16BlockOps ?? [...Object.keys(quantRules().fp16KeptInFloat), ...(args.excludeOpTypes ?? [])], excludeNodes: args.excludeNodes ?? [] };
    // The recipe step reads the model as it is now (pending edits become their own step first).
    const modelRef = this.recorder.modelRef(original);
    const dataName = dataset && args.datasetId ? this.recorder.dataName(original, dataset, args.datasetId) : undefined;
    const jobId = this.jobs.start('quantize', async (ctx): Promise<QuantizeResult> => {
      const started = performance.now();
      const model = await this.withWeightsInMemory(doc);
      // The plan was made on the document's model; with external weights read in, it names the same tensors.
      const request = { mode: args.mode, int8, fp16, ...(plan ? { plan } : {}), ...(dataset ? { dataset } : {}), ...(spec ? { spec } : {}), ...(args.limit ? { limit: args.limit } : {}) };
      const cache = { map: this.calibrationCache, key: `${doc.docId}:${doc.version}:${upgrade ? `opset${upgrade.opsetAfter}` : ''}:${args.datasetId ?? ''}:${JSON.stringify(spec ?? null)}:${args.limit ?? ''}` };
      let accuracy: QuantizeResult['accuracy'];
      let outcome: QuantizeOutcome;
      if (evalData && args.accuracy) {
        const r = await quantizeToAccuracy(model, await runnableFile(doc), request, evalData, spec, args.accuracy.maxDropPoints, await this.scratchDir(), ctx, cache);
        outcome = r.outcome;
        accuracy = { met: r.met, referenceTop1: r.referenceTop1, maxDropPoints: args.accuracy.maxDropPoints, steps: r.steps, chosenStep: r.chosenStep };
      } else {
        outcome = await quantize(model, request, ctx, cache);
      }
      const chosen = accuracy ? accuracy.steps[accuracy.chosenStep] : undefined;
      const settings = { backend: args.backend ?? DEFAULT_PRESET, ...int8, excludeNodes: chosen?.excluded ?? int8.excludeNodes };
      const result = withProvenance(outcome.model, args.mode, args.mode === 'fp16' ? undefined : settings);
      ctx.checkCancelled();
      const bytes = encodeModel(result);
      await requireLoadsInRuntime(bytes, args.mode);
      // An accuracy target has its own measure; otherwise the variant must follow FP32 on seeded inputs.
      const calibrationFeeds = dataset && args.mode === 'int8-static' ? await firstFeeds(dataset, doc.model, spec) : undefined;
      const agreement = evalData ? undefined : await measureAgreement(await runnableFile(doc), bytes, doc.model, result, calibrationFeeds, `${modeLabel(args.mode)} model`);
      const disagreement = agreement && !args.acceptError ? agreementProblem(args.mode, agreement) : undefined;
      if (disagreement) throw new EngineError('BAD_ARGUMENT', disagreement);
      // The checks above run for seconds; a Cancel pressed meanwhile still means nothing is written.
      ctx.checkCancelled();
      const fileName = `${doc.fileName.replace(/\.onnx$/i, '')}.${SUFFIX[args.mode]}.onnx`;
      let target: string;
      if (args.output) {
        target = path.resolve(args.output.path);
        if (target === doc.path && !args.output.overwrite) throw new EngineError('ALREADY_EXISTS', `Writing to '${target}' would overwrite the model you opened; choose another name.`);
        ctx.progress(0, bytes.length, 'writing');
        await saveModel(result, target, { overwrite: args.output.overwrite === true, signal: ctx.signal });
      } else {
        target = path.join(await this.scratchDir(), `${randomUUID()}-${fileName}`);
        await fs.writeFile(target, bytes);
      }
      const reopened = decodeModelBytes(bytes, fileName);
      const added = this.documents.add({
        model: reopened,
        bytes,
        fileName: args.output ? path.basename(target) : fileName,
        sourceFile: target,
        ...(args.output ? { path: target, sourceDir: path.dirname(target) } : {}),
        sizeBytes: bytes.length,
        problems: validateModel(reopened, opRegistry()),
      });
      added.dirty = !args.output;
      const finalExcluded = chosen?.excluded ?? args.excludeNodes;
      this.recorder.record(
        original,
        {
          kind: 'quantize',
          model: modelRef,
          mode: args.mode,
          backend: args.backend ?? DEFAULT_PRESET,
          ...(args.method ? { method: args.method } : {}),
          ...(args.perChannel !== undefined ? { perChannel: args.perChannel } : {}),
          ...(finalExcluded && finalExcluded.length > 0 ? { excludeNodes: finalExcluded } : {}),
          ...(args.excludeOpTypes && args.excludeOpTypes.length > 0 ? { excludeOpTypes: args.excludeOpTypes } : {}),
          ...(args.keepIOTypes !== undefined ? { keepIOTypes: args.keepIOTypes } : {}),
          ...(dataName ? { data: dataName } : {}),
          ...(spec ? { spec } : {}),
          ...(args.limit ? { limit: args.limit } : {}),
        },
        { status: 'done', summary: `${outcome.summary.quantizedNodes} nodes, ${bytes.length.toLocaleString('en-US')} bytes (${Math.round((100 * bytes.length) / doc.sizeBytes)}%)`, docId: added.docId },
      );
      return {
        ...outcome.summary,
        ...(upgradeNote ? { warnings: [upgradeNote, ...outcome.summary.warnings] } : {}),
        ...(agreement ? { agreement } : {}),
        docId: added.docId,
        fileName: added.fileName,
        ...(args.output ? { output: target } : {}),
        sizeBefore: doc.sizeBytes,
        sizeAfter: bytes.length,
        calibrationSamples: outcome.calibrationSamples,
        skippedSamples: outcome.skippedSamples,
        skippedExamples: outcome.skippedExamples,
        calibrationReused: outcome.calibrationReused,
        seconds: (performance.now() - started) / 1000,
        ...(accuracy ? { accuracy } : {}),
      };
    });
    return { jobId };
  }

  /** Quantization rewrites weights, so external data is read in first. */
  private async withWeightsInMemory(doc: ModelDocument): Promise<ModelProto> {
    const external = [...allTensors(doc.model)].filter(isExternal);
    if (external.length === 0) return doc.model;
    if (!doc.sourceDir) throw new EngineError('NOT_FOUND', 'The model keeps its weights in external data that was not opened with it; open it from its folder.');
    const loaded = new Map(await Promise.all(external.map(async (t) => [t, await readExternalTensor(doc.sourceDir!, t)] as const)));
    return mapTensors(doc.model, (t) => {
      const raw = loaded.get(t);
      if (!raw) return t;
      const { externalData: _e, dataLocation: _l, ...rest } = t;
      return { ...rest, rawData: raw };
    });
  }

  private scratchDir(): Promise<string> {
    this.workDir ??= fs.mkdtemp(path.join(os.tmpdir(), 'onnx-studio-results-'));
    return this.workDir;
  }
}

/**
 * Every quantized model is loaded by ONNX Runtime before it is written or opened: one the runtime refuses
 * is a bug here, and the user gets a sentence instead of a file that does not load.
 */
/** The first calibration samples as feeds: what an INT8 static model is checked on before it is written. */
async function firstFeeds(dataset: Dataset, model: ModelProto, spec: PreprocessSpec | undefined): Promise<Record<string, ort.Tensor>[]> {
  const inputs = modelInputs(model);
  const feeds: Record<string, ort.Tensor>[] = [];
  for (const sample of dataset.samples(inputs).slice(0, AGREEMENT_SAMPLES)) {
    try {
      feeds.push(await loadSample(sample, inputs, spec));
    } catch {
      // A file calibration skipped is skipped here too.
    }
  }
  return feeds;
}

async function requireLoadsInRuntime(bytes: Uint8Array, mode: string): Promise<void> {
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', ...QUIET });
  } catch (e) {
    const reason = firstLine(e instanceof Error ? e.message : String(e));
    throw new EngineError('INTERNAL', `The ${mode} model made from this one does not load in ONNX Runtime (${reason}), so nothing was written; please report this with the model.`);
  } finally {
    await session?.release();
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/\.$/, '');
}

function specOrError(value: unknown): PreprocessSpec {
  try {
    return parsePreprocessSpec(value);
  } catch (e) {
    throw new EngineError('BAD_ARGUMENT', `The preprocessing is not valid: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/**
 * An accuracy target is checked on labelled samples only: sample folders of a multi-input model look like
 * class folders but carry no label, and counting them would call any target met.
 */
function requireLabelled(evalData: Dataset, model: ModelProto): void {
  const samples = evalData.samples(modelInputs(model));
  const unlabelled = samples.filter((s) => s.label === undefined);
  if (samples.length > 0 && unlabelled.length === 0) return;
  const example = unlabelled[0] ? ` ('${unlabelled[0].id}')` : '';
  throw new EngineError('BAD_ARGUMENT', `The evaluation folder '${evalData.name}' has ${unlabelled.length} samples without a class${example}; an accuracy target needs every sample inside a sub-folder named after its class.`);
}

/** The spec must name an input of the model and produce the shape that input takes. */
function checkSpecFitsModel(spec: PreprocessSpec, model: ModelProto): void {
  const inputs = modelInputs(model);
  const input = inputs.find((i) => i.name === spec.input);
  if (!input) throw new EngineError('BAD_ARGUMENT', `The preprocessing feeds input '${spec.input}', but the model's inputs are: ${inputs.map((i) => i.name).join(', ')}.`);
  const [h, w] = spec.size;
  const c = spec.color === 'gray' ? 1 : 3;
  const produced = spec.layout === 'NCHW' ? [1, c, h, w] : [1, h, w, c];
  const fits = input.dims.length === 4 && input.dims.every((d, i) => d === undefined || i === 0 || d === produced[i]);
  if (!fits) {
    throw new EngineError('BAD_ARGUMENT', `The preprocessing makes [${produced.join(', ')}] tensors, but input '${input.name}' takes [${input.dims.map((d) => d ?? '?').join(', ')}]; fix the size, colour or layout.`);
  }
}

/** Records how the model was made, so Compare and users can tell the variants apart. */
function withProvenance(model: ModelProto, mode: string, settings: object | undefined): ModelProto {
  const entry = { key: 'onnx_studio.quantization', value: JSON.stringify({ mode, ...(settings ?? {}) }) };
  const others = (model.metadataProps ?? []).filter((p) => p.key !== entry.key);
  return { ...model, metadataProps: [...others, entry] };
}
