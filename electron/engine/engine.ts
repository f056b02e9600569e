import { randomUUID } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, BackendInfo, ModelInfo, ModelSource, NodeSchemaInfo, SampleInfo, SaveResult } from '../../shared/api/dto.js';
import { EngineError } from '../../shared/api/errors.js';
import type { EngineOptions } from '../../shared/api/engine-options.js';
import type { EngineApi, EngineEvent, MethodArgs } from '../../shared/api/methods.js';
import { analyzeModel, type Analysis } from '../../shared/analysis/cost-model.js';
import { buildGraphView, type GraphView } from '../../shared/graph/graph-view.js';
import { inferredShapesOf, type InferredShapes } from '../../shared/graph/inferred-shapes.js';
import { MAIN, resolveGraph } from '../../shared/graph/graph-path.js';
import { inferShapes } from '../../shared/analysis/shape-inference.js';
import { normalizeDomain } from '../../shared/graph/op-registry.js';
import { validateModel } from '../../shared/graph/validate.js';
import { tensorStats, type TensorStats } from '../../shared/model/tensor-stats.js';
import { NpyExportError, tensorToNpy } from '../../shared/model/npy-writer.js';
import { findTensor } from '../../shared/model/find-tensor.js';
import { isExternal } from '../../shared/onnx/external-data.js';
import { allTensors } from '../../shared/onnx/walk-tensors.js';
import { appRoot, resourcePath } from './app-paths.js';
import { diskStateOf, DocumentStore, modelInfo, runnableFile, type ModelDocument } from './documents.js';
import { assertLocalFileAccess } from './call-context.js';
import { createPathScrubber } from '../../shared/api/remote-rule.js';
import { checkExternalData, readExternalTensor } from './external-data-io.js';
import { JobManager } from './jobs.js';
import { readModelFile } from './model-reader.js';
import { saveModel } from './model-writer.js';
import { opCategories, opRegistry } from './op-metadata.js';
import { listBackends } from './profiling/backends.js';
import { profileModel, type ProfileOptions } from './profiling/profile-run.js';
import { QuantizeService } from './quantization/quantize-service.js';
import { CompareService } from './evaluation/compare-service.js';
import { EditService } from './editing/edit-service.js';
import { RecipeRecorder } from './recipes/recipe-recorder.js';
import { replayRecipe, type ReplayReport } from './recipes/replay.js';
import { createEngineClient } from '../../shared/api/client.js';
import { inProcessTransport } from './in-process-transport.js';
import { runExport } from './deploy/export-job.js';
import type { RecipeView } from '../../shared/api/dto.js';
import type { ProfileResult } from '../../shared/profile/profile-types.js';
import { simplifyDocument } from './simplify/simplify-document.js';
import { diffDocuments, diffDocumentsView } from './diff/diff-documents.js';
import { convertSummary, simplifySummary } from './recipes/transform-summary.js';
import { PipelineService } from './pipelines/pipeline-service.js';


interface SampleEntry {
  name: string;
  file: string;
  title: string;
  description: string;
}

const BLOB_ID = /^[a-f0-9-]{36}$/;

/**
 * The engine: the one implementation of the engine API. It runs in-process for the CLI and tests,
 * in a worker thread behind the browser-mode server, and in a utilityProcess behind Electron.
 */
export class Engine implements EngineApi {
  readonly documents = new DocumentStore();
  readonly jobs: JobManager;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly quantization: QuantizeService;
  private readonly comparison: CompareService;
  private readonly editing: EditService;
  readonly recipes: RecipeRecorder;
  private readonly pipelines: PipelineService;

  constructor(private readonly options: EngineOptions) {
    // In browser mode every event goes to the page, so events lose paths like replies to remote calls.
    const deliver = options.mode === 'browser' ? (e: EngineEvent) => createPathScrubber(this.privateDirs())(e) as EngineEvent : (e: EngineEvent) => e;
    const emit = (e: EngineEvent) => {
      const event = deliver(e);
      for (const l of this.listeners) l(event);
    };
    this.jobs = new JobManager(emit, options.maxRunningJobs);
    this.recipes = new RecipeRecorder(this.documents);
    this.quantization = new QuantizeService(this.documents, this.jobs, options.blobDir, this.recipes);
    this.comparison = new CompareService(this.documents, this.jobs, this.quantization, this.recipes);
    this.editing = new EditService(this.documents, async (blobId) => (await this.resolveSource({ kind: 'blob', blobId })).filePath);
    this.pipelines = new PipelineService({
      documents: this.documents,
      jobs: this.jobs,
      emit,
      client: () => createEngineClient(inProcessTransport(this)),
      dataset: (datasetId) => this.quantization.dataset(datasetId),
      closeModel: async (docId) => void (await this.closeModel({ docId })),
      withoutRecording: (work) => this.recipes.withoutRecording(work),
    });
  }

  /**
   * Folders whose paths say something about this machine and stay on it in browser mode: home, temp,
   * the app, the working folder, the engine's own folders, and the folders of every open model.
   */
  privateDirs(): string[] {
    const dirs = [os.homedir(), os.tmpdir(), appRoot(), process.cwd()];
    for (const d of [this.options.blobDir, this.options.downloadDir]) if (d) dirs.push(d, path.dirname(d));
    for (const doc of this.documents.all()) {
      dirs.push(path.dirname(doc.sourceFile));
      if (doc.sourceDir) dirs.push(doc.sourceDir);
      if (doc.path) dirs.push(path.dirname(doc.path));
    }
    return dirs;
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async getAppInfo(): Promise<AppInfo> {
    const pkg = JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string };
    return { name: 'ONNX Studio', version: pkg.version, opSchemaVersion: opRegistry().data.onnxVersion, mode: this.options.mode };
  }

  private samples(): SampleEntry[] {
    return JSON.parse(readFileSync(resourcePath('samples', 'samples.json'), 'utf8')) as SampleEntry[];
  }

  async listSamples(): Promise<SampleInfo[]> {
    return Promise.all(
      this.samples().map(async (s) => ({
        name: s.name,
        title: s.title,
        description: s.description,
        sizeBytes: (await fs.stat(resourcePath('samples', s.file))).size,
      })),
    );
  }

  private async resolveSource(source: ModelSource): Promise<{ filePath: string; fileName: string }> {
    switch (source.kind) {
      case 'path': {
        assertLocalFileAccess('a model path');
        let filePath = path.resolve(source.path);
        // As in Netron, picking a model's external data file (model.onnx.data, model.onnx_data) opens the model beside it.
        const data = /^(.*\.onnx)(\.data|_data)$/i.exec(filePath);
        if (data && (await fs.stat(data[1]!).catch(() => undefined))?.isFile()) filePath = data[1]!;
        return { filePath, fileName: path.basename(filePath) };
      }
      case 'sample': {
        const sample = this.samples().find((s) => s.name === source.name);
        if (!sample) throw new EngineError('NOT_FOUND', `There is no sample model '${source.name}'.`);
        return { filePath: resourcePath('samples', sample.file), fileName: sample.file };
      }
      case 'blob': {
        if (!this.options.blobDir || !BLOB_ID.test(source.blobId)) {
          throw new EngineError('NOT_FOUND', `There is no uploaded file '${source.blobId}'; upload it again.`);
        }
        const dir = path.join(this.options.blobDir, source.blobId);
        const files = await fs.readdir(dir).catch(() => [] as string[]);
        if (files.length !== 1) throw new EngineError('NOT_FOUND', `There is no uploaded file '${source.blobId}'; upload it again.`);
        return { filePath: path.join(dir, files[0]!), fileName: files[0]! };
      }
    }
  }

  async openModel(args: MethodArgs<'openModel'>): Promise<ModelInfo> {
    const { filePath, fileName } = await this.resolveSource(args.source);
    const loaded = await readModelFile(filePath);
    const sourceDir = args.source.kind === 'path' ? path.dirname(filePath) : undefined;
    const problems = [...validateModel(loaded.model, opRegistry()), ...(await checkExternalData(loaded.model, sourceDir))];
    const doc = this.documents.add({
      model: loaded.model,
      bytes: loaded.bytes,
      fileName,
      sourceFile: filePath,
      ...(args.source.kind === 'path' ? { path: filePath } : {}),
      ...(sourceDir ? { sourceDir } : {}),
      sizeBytes: loaded.sizeBytes,
      problems,
    });
    if (doc.path) doc.diskState = (await diskStateOf(doc.path)) ?? undefined;
    return modelInfo(doc);
  }

  async getModel(args: MethodArgs<'getModel'>): Promise<ModelInfo> {
    return modelInfo(this.documents.get(args.docId));
  }

  async listModels(): Promise<ModelInfo[]> {
    return this.documents.all().map(modelInfo);
  }

  async closeModel(args: MethodArgs<'closeModel'>): Promise<{ closed: true }> {
    const doc = await this.documents.close(args.docId);
    await this.releaseUpload(doc);
    this.recipes.forget(doc.docId);
    return { closed: true };
  }

  /** An uploaded model's blob is deleted once no open document reads it (a duplicate shares it). */
  private async releaseUpload(doc: ModelDocument): Promise<void> {
    const blobDir = this.options.blobDir;
    if (!blobDir || path.dirname(path.dirname(doc.sourceFile)) !== blobDir) return;
    if (this.documents.all().some((d) => d.sourceFile === doc.sourceFile)) return;
    await fs.rm(path.dirname(doc.sourceFile), { recursive: true, force: true });
  }

  /** Refuses to save over the opened file when another program changed it since, unless confirmed. */
  private async checkUnchangedOnDisk(doc: ModelDocument, outPath: string, confirmed: boolean): Promise<void> {
    if (confirmed || outPath !== doc.path || !doc.diskState) return;
    const now = await diskStateOf(outPath);
    if (now && (now.size !== doc.diskState.size || now.mtimeMs !== doc.diskState.mtimeMs)) {
      throw new EngineError('CHANGED_ON_DISK', `'${path.basename(outPath)}' was changed on disk by another program after it was opened; reopen it to see those changes, or confirm saving over them.`);
    }
  }

  async startSaveModel(args: MethodArgs<'startSaveModel'>): Promise<{ jobId: string }> {
    const doc = this.documents.get(args.docId);
    const target = args.target;
    let outPath: string;
    let downloadId: string | undefined;
    if (target.kind === 'download') {
      if (!this.options.downloadDir) throw new EngineError('BAD_ARGUMENT', 'Saving as a download is only available in browser mode; give a path instead.');
      if ([...allTensors(doc.model)].some(isExternal)) {
        throw new EngineError('BAD_ARGUMENT', 'This model keeps its weights in external data files, which cannot be downloaded as one file; save it with the desktop app or the CLI.');
      }
      downloadId = randomUUID();
      const dir = path.join(this.options.downloadDir, downloadId);
      await fs.mkdir(dir, { recursive: true });
      // A model opened from its JSON or text form is saved in the binary form, under an .onnx name.
      outPath = path.join(dir, doc.fileName.replace(/\.(json|onnxtxt|txt|pbtxt|prototxt|pb)$/i, '.onnx'));
    } else {
      assertLocalFileAccess('a save path');
      outPath = path.resolve(target.path);
      if (doc.path && outPath === doc.path && !target.overwrite) {
        throw new EngineError('ALREADY_EXISTS', `Saving would overwrite the model you opened ('${outPath}'); confirm overwriting or choose another name.`);
      }
      await this.checkUnchangedOnDisk(doc, outPath, target.overwriteChanged === true);
    }
    const jobId = this.jobs.start('save', async (ctx): Promise<SaveResult> => {
      ctx.progress(0, 1, 'writing');
      // Checked again when the job runs: it may have waited in the queue.
      if (target.kind === 'path') await this.checkUnchangedOnDisk(doc, outPath, target.overwriteChanged === true);
      const outcome = await saveModel(doc.model, outPath, {
        overwrite: target.kind === 'path' ? target.overwrite === true : false,
        ...(doc.sourceDir ? { sourceDir: doc.sourceDir } : {}),
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress(done, total, 'writing'),
      });
      if (target.kind === 'path' && outPath === doc.path) {
        doc.dirty = false;
        doc.diskState = (await diskStateOf(outPath)) ?? undefined;
      }
      return {
        bytesWritten: outcome.bytesWritten,
        fileName: path.basename(outPath),
        ...(downloadId ? { downloadId } : { path: outPath }),
        ...(outcome.externalDataFile ? { externalDataFile: path.basename(outcome.externalDataFile) } : {}),
      };
    });
    return { jobId };
  }

  async getGraphView(args: MethodArgs<'getGraphView'>): Promise<GraphView> {
    const doc = this.documents.get(args.docId);
    // After an edit the file's value_info may be stale or missing: shapes are inferred again for the main graph.
    const inferred = doc.version > 0 && args.graphPath === MAIN ? inferShapes(doc.model).facts : undefined;
    const view = buildGraphView(doc.model, args.graphPath, opRegistry(), opCategories(), inferred);
    if (!view) throw new EngineError('NOT_FOUND', `The model has no graph '${args.graphPath}'.`);
    return view;
  }

  async getInferredShapes(args: MethodArgs<'getInferredShapes'>): Promise<InferredShapes> {
    const doc = this.documents.get(args.docId);
    const shapes = inferredShapesOf(doc.model, args.graphPath);
    if (!shapes) throw new EngineError('NOT_FOUND', `The model has no graph '${args.graphPath}'.`);
    return shapes;
  }

  async getTensorStats(args: MethodArgs<'getTensorStats'>): Promise<TensorStats> {
    const doc = this.documents.get(args.docId);
    const tensor = findTensor(doc.model, args.graphPath, args.name);
    if (!tensor) throw new EngineError('NOT_FOUND', `There is no constant tensor '${args.name}' in this graph.`);
    if (!isExternal(tensor)) return tensorStats(tensor);
    if (!doc.sourceDir) throw new EngineError('NOT_FOUND', `The external data of '${args.name}' was not opened with the model.`);
    const bytes = await readExternalTensor(doc.sourceDir, tensor).catch((e: Error) => {
      throw new EngineError('IO_ERROR', `Cannot read the external data of '${args.name}': ${e.message}.`);
    });
    return tensorStats(tensor, bytes);
  }

  async exportTensor(args: MethodArgs<'exportTensor'>): Promise<SaveResult> {
    const doc = this.documents.get(args.docId);
    const tensor = findTensor(doc.model, args.graphPath, args.name);
    if (!tensor) throw new EngineError('NOT_FOUND', `There is no constant tensor '${args.name}' in this graph.`);
    let raw: Uint8Array | undefined;
    if (isExternal(tensor)) {
      if (!doc.sourceDir) throw new EngineError('NOT_FOUND', `The external data of '${args.name}' was not opened with the model.`);
      raw = await readExternalTensor(doc.sourceDir, tensor).catch((e: Error) => {
        throw new EngineError('IO_ERROR', `Cannot read the external data of '${args.name}': ${e.message}.`);
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = tensorToNpy(tensor, raw);
    } catch (e) {
      if (e instanceof NpyExportError) throw new EngineError('BAD_ARGUMENT', `${e.message}.`);
      throw e;
    }
    // Netron's file name: the tensor name with path separators, colons and dots made underscores.
    const fileName = `${args.name.replace(/[/\\:.]/g, '_') || 'tensor'}.npy`;
    let outPath: string;
    let downloadId: string | undefined;
    if (args.target.kind === 'download') {
      if (!this.options.downloadDir) throw new EngineError('BAD_ARGUMENT', 'Saving as a download is only available in browser mode; give a path instead.');
      downloadId = randomUUID();
      const dir = path.join(this.options.downloadDir, downloadId);
      await fs.mkdir(dir, { recursive: true });
      outPath = path.join(dir, fileName);
    } else {
      assertLocalFileAccess('a save path');
      outPath = path.resolve(args.target.path);
      if (!args.target.overwrite && (await fs.stat(outPath).catch(() => undefined))) {
        throw new EngineError('ALREADY_EXISTS', `'${outPath}' already exists; confirm overwriting or choose another name.`);
      }
    }
    // Written beside the target, then renamed: a failed write leaves no half file.
    const temporary = `${outPath}.${randomUUID()}.tmp`;
    try {
      await fs.writeFile(temporary, bytes);
      await fs.rename(temporary, outPath);
    } catch (e) {
      await fs.rm(temporary, { force: true });
      throw new EngineError('IO_ERROR', `Cannot write '${path.basename(outPath)}' (${(e as NodeJS.ErrnoException).code ?? 'write failed'}).`);
    }
    return { bytesWritten: bytes.byteLength, fileName: path.basename(outPath), ...(downloadId ? { downloadId } : { path: outPath }) };
  }

  async getNodeSchema(args: MethodArgs<'getNodeSchema'>): Promise<NodeSchemaInfo> {
    const doc = this.documents.get(args.docId);
    const resolved = resolveGraph(doc.model, args.graphPath);
    const node = resolved?.graph.node?.[args.nodeIndex];
    if (!resolved || !node) throw new EngineError('NOT_FOUND', `The graph '${args.graphPath}' has no node #${args.nodeIndex}.`);
    const domain = normalizeDomain(node.domain);
    const opsets = resolved.fn?.opsetImport ?? doc.model.opsetImport ?? [];
    const opset = Number(opsets.find((o) => normalizeDomain(o.domain) === domain)?.version ?? Number.MAX_SAFE_INTEGER);
    const found = opRegistry().lookup(domain, node.opType ?? '', opset);
    const base = { opType: node.opType ?? '', domain, category: opCategories()[node.opType ?? ''] ?? 'Other' };
    if (found.kind !== 'found') return base;
    return { ...base, sinceVersion: found.schema.sinceVersion, doc: found.entry.doc, schema: found.schema };
  }

  async analyzeModel(args: MethodArgs<'analyzeModel'>): Promise<Analysis> {
    const doc = this.documents.get(args.docId);
    const inputs = new Map((doc.model.graph?.input ?? []).map((v) => [v.name ?? '', v]));
    for (const [name, dims] of Object.entries(args.inputShapes ?? {})) {
      const input = inputs.get(name);
      if (!input) throw new EngineError('BAD_ARGUMENT', `The model has no input '${name}'; its inputs are: ${[...inputs.keys()].join(', ')}.`);
      const rank = input.type?.tensorType?.shape?.dim?.length;
      if (rank !== undefined && rank !== dims.length) {
        throw new EngineError('BAD_ARGUMENT', `Input '${name}' has ${rank} dimensions, but ${dims.length} were given.`);
      }
    }
    return analyzeModel(doc.model, { inputShapes: args.inputShapes ?? {} });
  }

  async listBackends(): Promise<BackendInfo[]> {
    return listBackends();
  }

  async startProfile(args: MethodArgs<'startProfile'>): Promise<{ jobId: string }> {
    const doc = this.documents.get(args.docId);
    if (args.inputFiles) assertLocalFileAccess('profiling input files');
    const options: ProfileOptions = {
      backend: args.backend ?? 'cpu',
      runs: args.runs ?? 50,
      warmup: args.warmup ?? 5,
      optimization: args.optimization ?? 'all',
      seed: args.seed ?? 1,
      ...(args.threads ? { threads: args.threads } : {}),
      ...(args.inputShapes ? { inputShapes: args.inputShapes } : {}),
      ...(args.inputFiles ? { inputFiles: args.inputFiles } : {}),
    };
    const modelRef = this.recipes.modelRef(doc);
    const jobId = this.jobs.start('profile', async (ctx) => {
      const result: ProfileResult = await profileModel(await runnableFile(doc), doc.model, options, ctx);
      this.recipes.record(doc, { kind: 'profile', model: modelRef, backend: options.backend, runs: options.runs, warmup: options.warmup }, { status: 'done', summary: `p50 ${result.latencyMs.p50.toFixed(2)} ms on ${result.backend}` });
      return result;
    });
    return { jobId };
  }

  async getQuantizeCatalog() {
    return this.quantization.catalog();
  }

  async proposePreprocess(args: MethodArgs<'proposePreprocess'>) {
    return this.quantization.proposePreprocess(args.docId);
  }

  async openDataset(args: MethodArgs<'openDataset'>) {
    return this.quantization.openDataset(args);
  }

  async previewPreprocess(args: MethodArgs<'previewPreprocess'>) {
    return this.quantization.previewPreprocess(args);
  }

  async startQuantize(args: MethodArgs<'startQuantize'>) {
    return this.quantization.startQuantize(args);
  }

  async startCompare(args: MethodArgs<'startCompare'>) {
    return this.comparison.startCompare(args);
  }

  async startLayerErrors(args: MethodArgs<'startLayerErrors'>) {
    return this.comparison.startLayerErrors(args);
  }

  async getThumbnail(args: MethodArgs<'getThumbnail'>) {
    return this.comparison.getThumbnail(args);
  }

  async duplicateModel(args: MethodArgs<'duplicateModel'>): Promise<ModelInfo> {
    const doc = this.documents.get(args.docId);
    const copy = this.documents.add({
      model: doc.model,
      bytes: doc.bytes,
      fileName: doc.fileName,
      sourceFile: doc.sourceFile,
      ...(doc.sourceDir ? { sourceDir: doc.sourceDir } : {}),
      sizeBytes: doc.sizeBytes,
      problems: doc.problems,
    });
    // An edited model is not its file's: anything that runs the copy writes it out first.
    if (doc.version > 0) {
      copy.version = 1;
      copy.dirty = true;
    }
    return modelInfo(copy);
  }

  async getRecipe(args: MethodArgs<'getRecipe'>): Promise<RecipeView> {
    return this.recipes.recipe(args.docId);
  }

  async updateRecipeSteps(args: MethodArgs<'updateRecipeSteps'>): Promise<RecipeView> {
    this.recipes.updateSteps(args.docId, args.steps);
    return this.recipes.recipe(args.docId);
  }

  async startRunRecipe(args: MethodArgs<'startRunRecipe'>) {
    const { recipe } = this.recipes.recipe(args.docId);
    if (args.fromStep && !recipe.steps.some((s) => s.id === args.fromStep)) throw new EngineError('NOT_FOUND', `The recipe has no step '${args.fromStep}'.`);
    const session = this.recipes.session(args.docId);
    const self = createEngineClient(inProcessTransport(this));
    const jobId = this.jobs.start('recipe', async (ctx): Promise<ReplayReport> => {
      let done = 0;
      ctx.progress(0, recipe.steps.length, 'replaying');
      const report = await this.recipes.withoutRecording(() => replayRecipe(self, recipe, {
        models: { input: session.models.input!, ...(args.fromStep ? session.models : {}) },
        datasets: session.datasets,
        ...(args.fromStep ? { from: args.fromStep } : {}),
        // In the app, a replayed export step's bundle is offered as a download (browser mode).
        ...(this.options.downloadDir ? { bundleDestination: () => ({ kind: 'download' as const }) } : {}),
        onStep: (step) => {
          ctx.checkCancelled();
          ctx.progress(++done, recipe.steps.length, step.id);
          if (step.status !== 'skipped') this.recipes.setResult(args.docId, step.id, { status: step.status === 'failed' ? 'failed' : 'done', summary: step.summary, ...(step.docId ? { docId: step.docId } : {}) });
        },
      }));
      return report;
    });
    return { jobId };
  }

  async startExport(args: MethodArgs<'startExport'>) {
    const access = {
      client: createEngineClient(inProcessTransport(this)),
      writeDocument: async (docId: string, file: string) => {
        const doc = this.documents.get(docId);
        await saveModel(doc.model, file, { overwrite: true, ...(doc.sourceDir ? { sourceDir: doc.sourceDir } : {}) });
      },
    };
    const doc = this.documents.get(args.docId);
    const modelRef = this.recipes.modelRef(doc);
    const dataName = args.datasetId ? this.recipes.dataName(doc, this.quantization.dataset(args.datasetId), args.datasetId) : undefined;
    const jobId = this.jobs.start('export', async (ctx) => {
      const result = await runExport(access, args, this.options.downloadDir, ctx);
      const { docId: _doc, datasetId: _data, destination: _where, ...settings } = args;
      this.recipes.record(doc, { kind: 'export', model: modelRef, ...settings, ...(dataName ? { data: dataName } : {}) }, { status: 'done', summary: `${result.target} bundle (${result.precision}), ${result.files.length} files` });
      return result;
    });
    return { jobId };
  }

  async getOpCatalogue(args: MethodArgs<'getOpCatalogue'>) {
    const doc = this.documents.get(args.docId);
    const opset = Number((doc.model.opsetImport ?? []).find((o) => normalizeDomain(o.domain) === '')?.version ?? 0);
    const categories = opCategories();
    return opRegistry()
      .data.ops.filter((o) => o.domain === '')
      .flatMap((o) => {
        const found = opRegistry().lookup('', o.name, opset);
        return found.kind === 'found' && !found.schema.deprecated ? [{ opType: o.name, category: categories[o.name] ?? 'Other', schema: found.schema }] : [];
      });
  }

  async applyEdit(args: MethodArgs<'applyEdit'>) {
    return this.editing.apply(args);
  }

  async convertOpset(args: MethodArgs<'convertOpset'>) {
    return this.convertInPlace(args);
  }

  async undoEdit(args: MethodArgs<'undoEdit'>) {
    return this.editing.undo(args.docId);
  }

  async redoEdit(args: MethodArgs<'redoEdit'>) {
    return this.editing.redo(args.docId);
  }

  async extractSubgraph(args: MethodArgs<'extractSubgraph'>) {
    return this.editing.extract(args);
  }

  /** Simplify in place, its result line kept for the recipe's simplify step. */
  private async simplifyInPlace(args: MethodArgs<'simplifyModel'>, checkCancelled?: () => void) {
    const result = await simplifyDocument(this.documents, this.editing, args, checkCancelled);
    this.recipes.describeLatest(this.documents.get(args.docId), simplifySummary(result.report));
    return result;
  }

  private async convertInPlace(args: MethodArgs<'convertOpset'>, checkCancelled?: () => void) {
    const doc = this.documents.get(args.docId);
    const version = doc.version;
    const result = await this.editing.convertOpset(args, checkCancelled);
    if (doc.version !== version) this.recipes.describeLatest(doc, convertSummary(result));
    return result;
  }

  async simplifyModel(args: MethodArgs<'simplifyModel'>) {
    return this.simplifyInPlace(args);
  }

  async startSimplify(args: MethodArgs<'startSimplify'>) {
    this.documents.get(args.docId);
    const jobId = this.jobs.start('simplify', async (ctx) => {
      ctx.progress(0, 0, 'simplifying');
      return this.simplifyInPlace(args, () => ctx.checkCancelled());
    });
    return { jobId };
  }

  async startConvertOpset(args: MethodArgs<'startConvertOpset'>) {
    this.documents.get(args.docId);
    const jobId = this.jobs.start('convert', async (ctx) => {
      ctx.progress(0, 0, 'converting');
      return this.convertInPlace(args, () => ctx.checkCancelled());
    });
    return { jobId };
  }

  async diffModels(args: MethodArgs<'diffModels'>) {
    return diffDocuments(this.documents, args);
  }

  async getDiffView(args: MethodArgs<'getDiffView'>) {
    return diffDocumentsView(this.documents, args);
  }

  async openPipeline(args: MethodArgs<'openPipeline'>) {
    return this.pipelines.openPipeline(args);
  }

  async updatePipeline(args: MethodArgs<'updatePipeline'>) {
    return this.pipelines.updatePipeline(args);
  }

  async bindPipelineSource(args: MethodArgs<'bindPipelineSource'>) {
    return this.pipelines.bindPipelineSource(args);
  }

  async getPipeline(args: MethodArgs<'getPipeline'>) {
    return this.pipelines.getPipeline(args);
  }

  async listPipelines() {
    return this.pipelines.listPipelines();
  }

  async closePipeline(args: MethodArgs<'closePipeline'>) {
    return this.pipelines.closePipeline(args);
  }

  async startRunPipeline(args: MethodArgs<'startRunPipeline'>) {
    return this.pipelines.startRunPipeline(args);
  }

  async getJob(args: MethodArgs<'getJob'>) {
    return this.jobs.get(args.jobId);
  }

  async cancelJob(args: MethodArgs<'cancelJob'>) {
    return this.jobs.cancel(args.jobId);
  }
}
