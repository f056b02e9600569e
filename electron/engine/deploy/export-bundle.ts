import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EngineClient } from '../../../shared/api/client.js';
import { EngineError, isErrorCode } from '../../../shared/api/errors.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import { bakeTopK } from '../../../shared/deploy/bake-postprocess.js';
import { bakePreprocess } from '../../../shared/deploy/bake-preprocess.js';
import { resolveShapeRanges, type ModelInput, type ShapeRange } from '../../../shared/deploy/shape-ranges.js';
import { writeCalibrationCache } from '../../../shared/deploy/tensorrt-calibration-cache.js';
import { buildEngineScript, type DeployPrecision } from '../../../shared/deploy/trtexec-command.js';
import { tritonConfig, tritonLayout } from '../../../shared/deploy/triton-config.js';
import { shapeOf, typeString } from '../../../shared/model/tensor-info.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { BundleFile, DeployTarget, ExportResult } from '../../../shared/deploy/export-types.js';

export type { DeployTarget, ExportResult } from '../../../shared/deploy/export-types.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { readModelFile } from '../model-reader.js';
import { outputDifference, preprocessPixels, optimizeOffline, randomFeeds, runModelFile, runModelFiles, type Feeds } from './bundle-check.js';
import { bundleReadme } from './bundle-readme.js';
import { activationScales } from './activation-scales.js';
import { quantPresets } from '../quantization/quantize-run.js';
import { tensorrtUnsupportedNodes, type TensorrtSupport } from '../../../shared/deploy/tensorrt-support.js';
import { resourcePath } from '../app-paths.js';
import { readFileSync } from 'node:fs';

let supportCache: TensorrtSupport | undefined;
const tensorrtSupport = () => (supportCache ??= JSON.parse(readFileSync(resourcePath('tensorrt-onnx-support.json'), 'utf8')) as TensorrtSupport);

const presetMethod = (backend: string) => quantPresets().presets.find((p) => p.id === backend)?.method ?? 'minmax';


export interface ExportRequest {
  readonly docId: string;
  readonly target: DeployTarget;
  readonly dir: string;
  readonly precision: DeployPrecision;
  /** Calibration data for INT8 (a dataset id of the engine) and how its images become tensors. */
  readonly calibDatasetId?: string;
  readonly spec?: PreprocessSpec;
  readonly shapes: ReadonlyMap<string, ShapeRange>;
  readonly bakePreprocess?: PreprocessSpec;
  readonly topK?: number;
  readonly force: boolean;
  /** Triton: where instances run; tensorrt puts ONNX Runtime's TensorRT accelerator in front. */
  readonly instance?: 'cpu' | 'gpu';
  readonly accelerator?: 'tensorrt';
  /** ONNX Runtime: the offline optimization level. */
  readonly optimization?: 'basic' | 'extended' | 'all';
  /** Nodes to keep in float32 (TensorRT layer precision constraints; excluded from INT8 elsewhere). */
  readonly floatNodes?: readonly string[];
  readonly name?: string;
}

/** Baked and optimized models must compute what the model they came from computes. */
const RELATIVE_TOLERANCE = 1e-4;

const hasQdq = (m: ModelProto) => (m.graph?.node ?? []).some((n) => n.opType === 'QuantizeLinear' || n.opType === 'DynamicQuantizeLinear');

function values(m: ModelProto, which: 'input' | 'output'): ModelInput[] {
  const inits = new Set((m.graph?.initializer ?? []).map((t) => t.name));
  return (m.graph?.[which] ?? []).filter((v) => !inits.has(v.name)).map((v) => ({ name: v.name ?? '', type: typeString(v.type), shape: shapeOf(v.type) }));
}

async function waitQuantized(engine: EngineClient, jobId: string): Promise<QuantizeResult> {
  const job = await engine.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? 'The quantization for the bundle did not finish.');
  return job.result as QuantizeResult;
}

async function writeFile(dir: string, rel: string, data: string | Uint8Array, role: string, files: BundleFile[], mode?: number): Promise<string> {
  const file = path.join(dir, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data, mode ? { mode } : {});
  files.push({ path: rel, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length, role });
  return file;
}

/** Checks `candidate` computes what `reference` computes on the same feeds (relative 1e-4), or throws. */
async function checkSame(reference: string, refFeeds: Feeds, candidate: string, feeds: Feeds, what: string): Promise<number> {
  const [a, b] = await runModelFiles([
    { file: reference, feeds: refFeeds, label: 'reference model' },
    { file: candidate, feeds, label: what },
  ]);
  const { maxAbsDiff, scale } = outputDifference(a!, b!);
  if (!(maxAbsDiff <= RELATIVE_TOLERANCE * Math.max(1, scale))) {
    throw new EngineError('INTERNAL', `The ${what} differs from the model it came from by ${maxAbsDiff.toPrecision(3)} (largest output ${scale.toPrecision(3)}); nothing was written.`);
  }
  return maxAbsDiff;
}

/**
 * Writes a deployment bundle for TensorRT, Triton or ONNX Runtime into `dir`: the model at the chosen
 * precision (with pre/post-processing baked in when asked), the target's own files, and a README with
 * the exact commands. Everything is built in a sibling temporary folder, checked in ONNX Runtime, and
 * only then moved into place, so a failed export leaves nothing half-written.
 */
/** Called between the steps of an export: reports progress, and throws to cancel (the folder is then removed). */
export type ExportStep = (done: number, total: number, phase: string) => void;

const STEPS = 5;

/**
 * What the export needs from the engine: its API for quantization, and a way to write a document to a
 * file the export chose itself (inside its own temporary folder), which no caller's path reaches.
 */
export interface ExportEngine {
  readonly client: EngineClient;
  writeDocument(docId: string, file: string): Promise<void>;
}

export async function exportBundle(access: ExportEngine, request: ExportRequest, step: ExportStep = () => undefined): Promise<ExportResult> {
  const dir = path.resolve(request.dir);
  const existing = await fs.readdir(dir).catch(() => null);
  if (existing && existing.length > 0 && !request.force) throw new EngineError('ALREADY_EXISTS', `'${dir}' exists and is not empty; choose another folder or pass --force to replace it.`);
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const work = await fs.mkdtemp(path.join(path.dirname(dir), `.${path.basename(dir)}.partial-`));
  try {
    const result = await buildBundle(access, request, work, dir, step);
    if (existing) await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(work, dir);
    return result;
  } catch (e) {
    await fs.rm(work, { recursive: true, force: true });
    if (e instanceof EngineError) throw e;
    throw new EngineError('BAD_ARGUMENT', `${e instanceof Error ? e.message : String(e)}.`.replace(/\.\.$/, '.'));
  }
}

async function buildBundle(access: ExportEngine, request: ExportRequest, work: string, dir: string, step: ExportStep): Promise<ExportResult> {
  const engine = access.client;
  const files: BundleFile[] = [];
  step(0, STEPS, 'writing the source model');
  const scratch = path.join(work, '.scratch');
  await fs.mkdir(scratch);
  const sourceFile = path.join(scratch, 'source.onnx');
  await access.writeDocument(request.docId, sourceFile);
  const source = (await readModelFile(sourceFile)).model;

  // 1. The model at the asked precision.
  step(1, STEPS, request.precision === 'fp32' ? 'reading the model' : `converting to ${request.precision.toUpperCase()}`);
  let chosenFile = sourceFile;
  let calibration: ExportResult['calibration'];
  let cache: string | undefined;
  const implicitInt8 = request.target === 'tensorrt' && request.precision === 'int8' && !hasQdq(source);
  if (request.precision === 'int8' && !hasQdq(source)) {
    if (!request.calibDatasetId) throw new EngineError('BAD_ARGUMENT', 'INT8 needs calibration data (--calib DIR with --preprocess FILE) or a model that is already quantized.');
    const backend = request.target === 'tensorrt' || request.accelerator === 'tensorrt' ? 'tensorrt' : request.instance === 'gpu' ? 'ort-cuda' : 'ort-cpu';
    const qdqFile = path.join(scratch, 'int8.onnx');
    const q = await waitQuantized(
      engine,
      (
        await engine.startQuantize({
          docId: request.docId,
          mode: 'int8-static',
          backend,
          datasetId: request.calibDatasetId,
          ...(request.spec ? { spec: request.spec } : {}),
          ...(request.floatNodes?.length ? { excludeNodes: [...request.floatNodes] } : {}),
        })
      ).jobId,
    );
    await access.writeDocument(q.docId, qdqFile).finally(() => engine.closeModel({ docId: q.docId }).catch(() => undefined));
    const qdq = (await readModelFile(qdqFile)).model;
    if (implicitInt8) {
      // TensorRT's implicit INT8: the FP32 model plus the activation scales our calibration found.
      const scales = activationScales(qdq);
      cache = writeCalibrationCache(scales);
      calibration = { tensors: scales.size, method: presetMethod(backend) };
    } else {
      chosenFile = qdqFile;
      calibration = { tensors: activationScales(qdq).size, method: presetMethod(backend) };
    }
  } else if (request.precision === 'fp16') {
    const fp16File = path.join(scratch, 'fp16.onnx');
    const q = await waitQuantized(engine, (await engine.startQuantize({ docId: request.docId, mode: 'fp16', keepIOTypes: true })).jobId);
    await access.writeDocument(q.docId, fp16File).finally(() => engine.closeModel({ docId: q.docId }).catch(() => undefined));
    chosenFile = fp16File;
  }
  const unbakedFile = chosenFile;
  if (request.target === 'tensorrt') {
    const refused = tensorrtUnsupportedNodes((await readModelFile(chosenFile)).model, tensorrtSupport());
    if (refused.length > 0) {
      throw new EngineError('BAD_ARGUMENT', `TensorRT's ONNX parser does not support ${refused.slice(0, 3).join(', ')}${refused.length > 3 ? ` and ${refused.length - 3} more` : ''}; export for ONNX Runtime or Triton instead, or replace those nodes.`);
    }
  }
  let model = (await readModelFile(chosenFile)).model;

  step(2, STEPS, 'baking pre/post-processing');
  // 2. Pre- and post-processing baked in, checked against the unbaked model on the app's own preprocessing.
  let baked: ExportResult['baked'];
  let maxAbsDiff = 0;
  let rawInput: string | undefined;
  if (request.bakePreprocess || request.topK) {
    if (request.bakePreprocess) {
      const b = bakePreprocess(model, request.bakePreprocess);
      model = b.model;
      rawInput = b.rawInput;
    }
    if (request.topK) model = bakeTopK(model, request.topK).model;
    const bakedFile = path.join(scratch, 'baked.onnx');
    await fs.writeFile(bakedFile, encodeModel(model));
    const spec = request.bakePreprocess;
    const probe = values(model, 'input').map((v) => ({ name: v.name, type: v.type, dims: (v.shape ?? []).map((d, k) => (typeof d === 'number' ? d : k === 0 ? 2 : 1)) }));
    const raw = spec ? probe.find((p) => p.name === rawInput)! : undefined;
    if (spec && raw) raw.dims = [raw.dims[0]!, spec.size[0], spec.size[1], spec.color === 'gray' ? 1 : 3];
    const feeds = randomFeeds(probe);
    const refFeeds: Feeds = { ...feeds };
    if (spec && raw) {
      delete refFeeds[raw.name];
      refFeeds[spec.input] = preprocessPixels(feeds[raw.name]!.data as Uint8Array, raw.dims[0]!, spec);
    }
    maxAbsDiff = Math.max(maxAbsDiff, await checkSame(unbakedFile, refFeeds, bakedFile, feeds, 'model with baked pre/post-processing'));
    chosenFile = bakedFile;
    baked = { preprocess: spec !== undefined, postprocess: request.topK ? `topk:${request.topK}` : null };
  }

  step(3, STEPS, 'checking in ONNX Runtime');
  // 3. Shape ranges: the user's, else the batch default; a baked raw input keeps the spec's image size.
  const inputs = values(model, 'input');
  const given = new Map(request.shapes);
  if (rawInput && request.bakePreprocess && !given.has(rawInput)) {
    const { size, color } = request.bakePreprocess;
    const c = color === 'gray' ? 1 : 3;
    const batch = inputs.find((i) => i.name === rawInput)!.shape![0];
    const at = (b: number) => [typeof batch === 'number' ? batch : b, size[0], size[1], c];
    given.set(rawInput, { min: at(1), opt: at(4), max: at(16) });
  }
  // TensorRT builds an optimization profile, so it needs every range; the others keep dims dynamic and
  // only run the check at a size (128, as profiling assumes for a sequence).
  const shapes = resolveShapeRanges(inputs, given, request.target === 'tensorrt' ? 'required' : 128);
  const optFeeds = randomFeeds(inputs.map((i) => ({ name: i.name, type: i.type, dims: shapes.get(i.name)?.opt ?? (i.shape as number[]) })));
  await runModelFile(chosenFile, optFeeds, 'model at the optimal shapes');

  // 4. The target's files.
  step(4, STEPS, `writing the ${request.target} files`);
  const name = request.name ?? 'model';
  const modelBytes = await fs.readFile(chosenFile);
  const outputs = values(model, 'output');
  if (request.target === 'tensorrt') {
    await writeFile(work, 'model.onnx', modelBytes, 'model', files);
    if (cache) await writeFile(work, 'calibration.cache', cache, 'calibration cache', files);
    const script = buildEngineScript({
      model: 'model.onnx',
      engine: 'model.engine',
      timingCache: 'timing.cache',
      precision: request.precision,
      explicitInt8: request.precision === 'int8' && !implicitInt8,
      ...(cache ? { calibrationCache: 'calibration.cache' } : {}),
      shapes,
      floatLayers: implicitInt8 || request.precision === 'fp16' ? (request.floatNodes ?? []) : [],
    });
    await writeFile(work, 'build-engine.sh', script, 'trtexec script', files, 0o755);
  } else if (request.target === 'triton') {
    const config = tritonConfig({ name, inputs, outputs, shapes, instance: request.instance ?? 'cpu', ...(request.accelerator ? { tensorrt: request.precision } : {}) });
    await writeFile(work, `${name}/config.pbtxt`, config, 'Triton model configuration', files);
    await writeFile(work, `${name}/1/model.onnx`, modelBytes, 'model', files);
  } else {
    const level = request.optimization ?? 'basic';
    const optimized = path.join(scratch, 'optimized.onnx');
    await optimizeOffline(chosenFile, optimized, level);
    maxAbsDiff = Math.max(maxAbsDiff, await checkSame(chosenFile, optFeeds, optimized, optFeeds, `model optimized offline at level '${level}'`));
    await writeFile(work, 'model.onnx', await fs.readFile(optimized), `model optimized offline by ONNX Runtime (${level})`, files);
    const sessionJson = { model: 'model.onnx', executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', optimizedOffline: level, intraOpNumThreads: 0, interOpNumThreads: 1 };
    await writeFile(work, 'session.json', JSON.stringify(sessionJson, null, 2) + '\n', 'session options', files);
  }
  const layout = request.target === 'triton' ? tritonLayout({ name, inputs, outputs, shapes, instance: request.instance ?? 'cpu' }) : undefined;
  for (const [rel, text, role] of bundleReadme({ target: request.target, name, precision: request.precision, inputs, outputs, shapes, implicitInt8, layout, rawInput, spec: request.bakePreprocess, topK: request.topK })) {
    await writeFile(work, rel, text, role, files);
  }
  await fs.rm(scratch, { recursive: true, force: true });
  return {
    target: request.target,
    dir,
    files,
    shapes: Object.fromEntries([...shapes].map(([k, r]) => [k, { min: r.min, opt: r.opt, max: r.max }])),
    precision: request.precision,
    ...(calibration ? { calibration } : {}),
    ...(baked ? { baked } : {}),
    maxAbsDiff,
  };
}
