import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { DatasetInfo, JobProgress, QuantizeResult } from '../../../shared/api/dto.js';
import type { CompareResult, LayerErrorResult } from '../../../shared/metrics/compare-types.js';
import { uploadFolder, type FolderFile } from '../api/data-folder.js';
import type { Host } from '../api/host.js';

type Status = 'idle' | 'loading-data' | 'running' | 'ready' | 'error' | 'cancelled';

export interface CompareState {
  open: boolean;
  status: Status;
  /** Open models compared against this document (the reference). */
  variants: string[];
  dataset?: DatasetInfo;
  upload?: { done: number; total: number };
  jobId?: string;
  progress?: JobProgress;
  result?: CompareResult;
  error?: string;
  thumbnails: Record<string, string>;
  layers?: { variantDocId: string; status: 'running' | 'ready' | 'error'; result?: LayerErrorResult; error?: string };
  accuracy?: { status: 'running' | 'ready' | 'error'; result?: QuantizeResult; error?: string; progress?: JobProgress };
  toggle(): void;
  setVariant(docId: string, on: boolean): void;
  loadFolder(files: FolderFile[], folderName: string): Promise<void>;
  loadFolderPath(path: string): Promise<void>;
  run(): Promise<void>;
  cancel(): Promise<void>;
  thumbnail(file: string): void;
  runLayers(variantDocId: string): Promise<void>;
  /** Accuracy-aware INT8: calibrate on `calibrationDatasetId`, measure on this panel's labelled folder. */
  meetAccuracy(calibrationDatasetId: string, maxDropPoints: number, options: { backend: string; method?: string }): Promise<void>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function createCompareStore(
  client: EngineClient,
  host: Host,
  docId: string,
  showHeat: (heat: ReadonlyMap<number, number> | undefined) => void,
  onNewModel: () => Promise<void>,
) {
  return createStore<CompareState>()((set, get) => ({
    open: false,
    status: 'idle',
    variants: [],
    thumbnails: {},

    toggle() {
      set({ open: !get().open });
    },

    setVariant(id, on) {
      const variants = get().variants.filter((v) => v !== id);
      set({ variants: on ? [...variants, id] : variants });
    },

    async loadFolder(files, folderName) {
      set({ status: 'loading-data', error: undefined, dataset: undefined, result: undefined });
      try {
        const dataset = await uploadFolder(client, host, files, folderName, (done, total) => set({ upload: { done, total } }));
        set({ dataset, status: 'idle', upload: undefined });
      } catch (e) {
        set({ status: 'error', error: message(e), upload: undefined });
      }
    },

    async loadFolderPath(path) {
      set({ status: 'loading-data', error: undefined, dataset: undefined, result: undefined });
      try {
        set({ dataset: await client.openDataset({ source: { kind: 'path', path } }), status: 'idle' });
      } catch (e) {
        set({ status: 'error', error: message(e) });
      }
    },

    async run() {
      const { dataset, variants } = get();
      if (!dataset) return set({ status: 'error', error: 'Drop a folder of evaluation data first (one sub-folder per class for accuracy).' });
      if (variants.length === 0) return set({ status: 'error', error: 'Choose at least one other open model to compare with this one.' });
      set({ status: 'running', error: undefined, progress: undefined, result: undefined, layers: undefined });
      try {
        const { jobId } = await client.startCompare({ referenceDocId: docId, variantDocIds: variants, datasetId: dataset.datasetId });
        set({ jobId });
        const job = await client.waitForJob(jobId, (progress) => set({ progress }));
        if (job.status === 'succeeded') set({ status: 'ready', result: job.result as CompareResult, jobId: undefined });
        else set({ status: job.status === 'cancelled' ? 'cancelled' : 'error', error: job.error?.message, jobId: undefined });
      } catch (e) {
        set({ status: 'error', error: message(e), jobId: undefined });
      }
    },

    async cancel() {
      const jobId = get().jobId;
      if (jobId) await client.cancelJob({ jobId }).catch(() => undefined);
    },

    thumbnail(file) {
      const dataset = get().dataset;
      if (!dataset || get().thumbnails[file] !== undefined) return;
      set({ thumbnails: { ...get().thumbnails, [file]: '' } });
      void client.getThumbnail({ datasetId: dataset.datasetId, file }).then(
        (t) => set({ thumbnails: { ...get().thumbnails, [file]: t.imageUrl } }),
        () => undefined,
      );
    },

    async runLayers(variantDocId) {
      const dataset = get().dataset;
      if (!dataset) return;
      set({ layers: { variantDocId, status: 'running' } });
      try {
        const { jobId } = await client.startLayerErrors({ referenceDocId: docId, variantDocId, datasetId: dataset.datasetId, limit: 32 });
        const job = await client.waitForJob(jobId);
        if (job.status !== 'succeeded') throw new Error(job.error?.message ?? 'The per-layer comparison did not finish.');
        const result = job.result as LayerErrorResult;
        set({ layers: { variantDocId, status: 'ready', result } });
        // Heat: the worst layer is hottest; SQNR spans are compared on a log scale already (dB).
        const scored = result.layers.filter((l) => l.nodeIndex !== undefined && l.sqnrDb !== null);
        const worst = Math.min(...scored.map((l) => l.sqnrDb!));
        const best = Math.max(...scored.map((l) => l.sqnrDb!));
        showHeat(new Map(scored.map((l) => [l.nodeIndex!, best > worst ? (best - l.sqnrDb!) / (best - worst) : 1])));
      } catch (e) {
        set({ layers: { variantDocId, status: 'error', error: message(e) } });
      }
    },

    async meetAccuracy(calibrationDatasetId, maxDropPoints, options) {
      const dataset = get().dataset;
      if (!dataset) return;
      set({ accuracy: { status: 'running' } });
      try {
        const { jobId } = await client.startQuantize({
          docId,
          mode: 'int8-static',
          backend: options.backend,
          ...(options.method ? { method: options.method as 'minmax' | 'percentile' | 'entropy' } : {}),
          datasetId: calibrationDatasetId,
          accuracy: { evalDatasetId: dataset.datasetId, maxDropPoints },
        });
        const job = await client.waitForJob(jobId, (progress) => set({ accuracy: { status: 'running', progress } }));
        if (job.status !== 'succeeded') throw new Error(job.error?.message ?? 'The accuracy-aware quantization did not finish.');
        const result = job.result as QuantizeResult;
        set({ accuracy: { status: 'ready', result }, variants: [...get().variants, result.docId] });
        await onNewModel();
      } catch (e) {
        set({ accuracy: { status: 'error', error: message(e) } });
      }
    },
  }));
}

export type CompareStore = ReturnType<typeof createCompareStore>;
