import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { EngineError } from '../../../shared/api/errors.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import type { CompareResult, LayerErrorResult } from '../../../shared/metrics/compare-types.js';
import { parsePreprocessSpec, type PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { requireBackend } from '../profiling/backends.js';
import { IMAGE_EXTENSIONS } from '../datasets/image-decode.js';
import type { Dataset } from '../datasets/dataset.js';
import { runnableFile, type DocumentStore, type ModelDocument } from '../documents.js';
import type { JobManager } from '../jobs.js';
import type { QuantizeService } from '../quantization/quantize-service.js';
import { compareModels, type CompareModel } from './compare-run.js';
import { layerErrors } from './layer-errors.js';
import type { RecipeRecorder } from '../recipes/recipe-recorder.js';

const THUMBNAIL_PX = 64;

/** Comparison of model variants on a dataset, per-layer error, and the thumbnails the Compare panel shows. */
export class CompareService {
  constructor(
    private readonly documents: DocumentStore,
    private readonly jobs: JobManager,
    private readonly quantization: QuantizeService,
    private readonly recorder: RecipeRecorder,
  ) {}

  private spec(dataset: Dataset, given: unknown, reference: ModelDocument): PreprocessSpec | undefined {
    if (given !== undefined) {
      try {
        return parsePreprocessSpec(given);
      } catch (e) {
        throw new EngineError('BAD_ARGUMENT', `The preprocessing is not valid: ${e instanceof Error ? e.message : String(e)}.`);
      }
    }
    if (dataset.imageCount === 0) return undefined;
    const proposed = this.quantization.proposePreprocess(reference.docId);
    if (!proposed) throw new EngineError('BAD_ARGUMENT', 'The folder holds images, but the model has no image-shaped input to propose preprocessing for; give a preprocessing spec.');
    return proposed;
  }

  private async participant(doc: ModelDocument): Promise<CompareModel> {
    return { label: doc.fileName, file: await runnableFile(doc), model: doc.model, sizeBytes: doc.sizeBytes, docId: doc.docId, ...(doc.path ? { path: doc.path } : {}) };
  }

  async startCompare(args: MethodArgs<'startCompare'>): Promise<{ jobId: string }> {
    const reference = this.documents.get(args.referenceDocId);
    const variants = args.variantDocIds.map((id) => this.documents.get(id));
    if (variants.some((v) => v.docId === reference.docId)) throw new EngineError('BAD_ARGUMENT', 'The reference is also listed as a variant; choose other models to compare with it.');
    const dataset = this.quantization.dataset(args.datasetId);
    dataset.requireUsable();
    const spec = this.spec(dataset, args.spec, reference);
    const backend = args.backend ?? 'cpu';
    const labels = new Set<string>();
    const participants = await Promise.all([reference, ...variants].map((d) => this.participant(d)));
    for (const [i, p] of participants.entries()) {
      const d = [reference, ...variants][i]!;
      // Two open files may share a name (two quantizations); the label must tell them apart.
      for (let i = 2; labels.has(p.label); i++) p.label = `${d.fileName} (${i})`;
      labels.add(p.label);
    }
    // Recorded when every model belongs to the reference's family (models opened separately have no reference in its recipe).
    const root = this.recorder.familyRoot(reference.docId) ?? reference.docId;
    const sameFamily = variants.every((v) => (this.recorder.familyRoot(v.docId) ?? v.docId) === root);
    const refs = sameFamily ? [reference, ...variants].map((d) => this.recorder.modelRef(d)) : undefined;
    const dataName = sameFamily ? this.recorder.dataName(reference, dataset, args.datasetId) : undefined;
    const jobId = this.jobs.start('compare', async (ctx): Promise<CompareResult> => {
      await requireBackend(backend);
      const result = await compareModels(participants[0]!, participants.slice(1), dataset, spec, ctx, { backend, latencyRuns: args.latencyRuns ?? 20, disagreementLimit: 100 });
      if (refs && dataName) {
        const summary = result.models.map((m) => `${m.label}: ${m.top1 !== undefined ? `top-1 ${(100 * m.top1).toFixed(2)}%` : `agreement ${(100 * m.agreementTop1).toFixed(2)}%`}`).join('; ');
        this.recorder.record(reference, { kind: 'compare', reference: refs[0]!, variants: refs.slice(1), data: dataName, ...(spec ? { spec } : {}), ...(args.backend ? { backend: args.backend } : {}) }, { status: 'done', summary });
      }
      return { ...result, datasetId: args.datasetId };
    });
    return { jobId };
  }

  async startLayerErrors(args: MethodArgs<'startLayerErrors'>): Promise<{ jobId: string }> {
    const reference = this.documents.get(args.referenceDocId);
    const variant = this.documents.get(args.variantDocId);
    const dataset = this.quantization.dataset(args.datasetId);
    dataset.requireUsable();
    const spec = this.spec(dataset, args.spec, reference);
    const jobId = this.jobs.start('layer-errors', (ctx): Promise<LayerErrorResult> => layerErrors(reference.model, variant.model, dataset, spec, ctx, args.limit ?? 32));
    return { jobId };
  }

  async getThumbnail(args: MethodArgs<'getThumbnail'>): Promise<{ imageUrl: string }> {
    const dataset = this.quantization.dataset(args.datasetId);
    const file = dataset.usable.find((f) => f.relPath === args.file);
    if (!file || !IMAGE_EXTENSIONS.includes(path.extname(file.relPath).toLowerCase()) || path.extname(file.relPath).toLowerCase() === '.bmp') {
      throw new EngineError('NOT_FOUND', `The dataset has no image '${args.file}' to show.`);
    }
    try {
      const png = await sharp(await fs.readFile(file.filePath)).resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside' }).png().toBuffer();
      return { imageUrl: `data:image/png;base64,${png.toString('base64')}` };
    } catch (e) {
      throw new EngineError('BAD_ARGUMENT', `Cannot read the image '${args.file}': ${e instanceof Error ? e.message : String(e)}.`);
    }
  }
}
