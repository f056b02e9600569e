import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { DatasetInfo, JobProgress, PreprocessPreview, QuantizeCatalog, QuantizeResult } from '../../../shared/api/dto.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import type { CalibrationMethod } from '../../../shared/quantize/calibration-methods.js';
import type { QuantizeMode } from '../../../shared/quantize/quant-options.js';
import type { Host } from '../api/host.js';
import { uploadFolder, type FolderFile } from '../api/data-folder.js';

export interface QuantizeState {
  open: boolean;
  status: 'idle' | 'loading-data' | 'running' | 'ready' | 'error' | 'cancelled';
  catalog?: QuantizeCatalog;
  mode: QuantizeMode;
  backend: string;
  /** '' = the preset's method. */
  method: CalibrationMethod | '';
  perChannel: boolean;
  /** FP16: keep float32 graph inputs and outputs. */
  keepIOTypes: boolean;
  excludeNodes: string[];
  excludeOpTypes: string[];
  dataset?: DatasetInfo;
  /** Upload progress while a dropped folder is sent to the engine (browser mode). */
  upload?: { done: number; total: number };
  spec?: PreprocessSpec;
  preview?: PreprocessPreview;
  previewError?: string;
  jobId?: string;
  progress?: JobProgress;
  result?: QuantizeResult;
  error?: string;
  toggle(): void;
  set<K extends 'mode' | 'backend' | 'method' | 'perChannel' | 'keepIOTypes'>(key: K, value: QuantizeState[K]): void;
  exclude(name: string): void;
  include(name: string): void;
  excludeOpType(opType: string): void;
  includeOpType(opType: string): void;
  loadFolder(files: FolderFile[], folderName: string): Promise<void>;
  /** Desktop: a folder by path (dropped, or chosen in the native dialog). */
  loadFolderPath(path: string): Promise<void>;
  updateSpec(patch: Partial<PreprocessSpec>): void;
  /** Quantizes with the current settings; resolves to the result (undefined when it failed or was cancelled). */
  run(): Promise<QuantizeResult | undefined>;
  cancel(): Promise<void>;
}

export function createQuantizeStore(client: EngineClient, host: Host, docId: string, onResult: (result: QuantizeResult) => Promise<void>) {
  return createStore<QuantizeState>()((set, get) => {
    let previewTimer: ReturnType<typeof setTimeout> | undefined;

    async function refreshPreview(): Promise<void> {
      const { dataset, spec } = get();
      if (!dataset || !spec || dataset.imageCount === 0) return;
      try {
        const preview = await client.previewPreprocess({ datasetId: dataset.datasetId, spec });
        set({ preview, previewError: undefined });
      } catch (e) {
        set({ previewError: e instanceof Error ? e.message : String(e) });
      }
    }

    return {
      open: false,
      status: 'idle',
      mode: 'int8-static',
      backend: 'ort-cpu',
      method: '',
      perChannel: true,
      keepIOTypes: true,
      excludeNodes: [],
      excludeOpTypes: [],

      toggle() {
        const open = !get().open;
        set({ open });
        if (open && !get().catalog) {
          void client.getQuantizeCatalog({}).then((catalog) => set({ catalog, backend: catalog.defaultPreset }), (e: unknown) => set({ error: String(e) }));
          void client.proposePreprocess({ docId }).then((spec) => spec && set({ spec }), () => undefined);
        }
      },

      set(key, value) {
        set({ [key]: value } as Partial<QuantizeState>);
      },

      exclude(name) {
        if (!get().excludeNodes.includes(name)) set({ excludeNodes: [...get().excludeNodes, name] });
      },

      include(name) {
        set({ excludeNodes: get().excludeNodes.filter((n) => n !== name) });
      },

      excludeOpType(opType) {
        if (!get().excludeOpTypes.includes(opType)) set({ excludeOpTypes: [...get().excludeOpTypes, opType] });
      },

      includeOpType(opType) {
        set({ excludeOpTypes: get().excludeOpTypes.filter((o) => o !== opType) });
      },

      async loadFolder(files, folderName) {
        set({ status: 'loading-data', error: undefined, dataset: undefined, preview: undefined, result: undefined });
        try {
          const dataset = await uploadFolder(client, host, files, folderName, (done, total) => set({ upload: { done, total } }));
          set({ dataset, status: 'idle', upload: undefined });
          await refreshPreview();
        } catch (e) {
          set({ status: 'error', error: e instanceof Error ? e.message : String(e), upload: undefined });
        }
      },

      async loadFolderPath(path) {
        set({ status: 'loading-data', error: undefined, dataset: undefined, preview: undefined, result: undefined });
        try {
          set({ dataset: await client.openDataset({ source: { kind: 'path', path } }), status: 'idle' });
          await refreshPreview();
        } catch (e) {
          set({ status: 'error', error: e instanceof Error ? e.message : String(e) });
        }
      },

      updateSpec(patch) {
        const spec = get().spec;
        if (!spec) return;
        set({ spec: { ...spec, ...patch } });
        clearTimeout(previewTimer);
        previewTimer = setTimeout(() => void refreshPreview(), 150);
      },

      async run() {
        const s = get();
        if (s.mode === 'int8-static' && !s.dataset) {
          set({ status: 'error', error: 'INT8 static quantization needs calibration data: drop a folder of images on the panel first.' });
          return undefined;
        }
        set({ status: 'running', error: undefined, progress: undefined, result: undefined });
        try {
          const { jobId } = await client.startQuantize({
            docId,
            mode: s.mode,
            backend: s.backend,
            ...(s.method ? { method: s.method } : {}),
            perChannel: s.perChannel,
            excludeNodes: s.excludeNodes,
            excludeOpTypes: s.excludeOpTypes,
            ...(s.mode === 'fp16' ? { keepIOTypes: s.keepIOTypes } : {}),
            ...(s.mode === 'int8-static' && s.dataset ? { datasetId: s.dataset.datasetId, ...(s.spec ? { spec: s.spec } : {}) } : {}),
          });
          set({ jobId });
          const job = await client.waitForJob(jobId, (progress) => set({ progress }));
          if (job.status === 'succeeded') {
            const result = job.result as QuantizeResult;
            set({ status: 'ready', result, jobId: undefined });
            await onResult(result);
            return result;
          }
          set({ status: job.status === 'cancelled' ? 'cancelled' : 'error', error: job.error?.message, jobId: undefined });
        } catch (e) {
          set({ status: 'error', error: e instanceof Error ? e.message : String(e), jobId: undefined });
        }
        return undefined;
      },

      async cancel() {
        const jobId = get().jobId;
        if (jobId) await client.cancelJob({ jobId }).catch(() => undefined);
      },
    };
  });
}

export type QuantizeStore = ReturnType<typeof createQuantizeStore>;
