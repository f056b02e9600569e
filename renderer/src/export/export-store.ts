import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { DatasetInfo, JobProgress } from '../../../shared/api/dto.js';
import type { ExportResult, DeployTarget } from '../../../shared/deploy/export-types.js';
import { parseShapeRange } from '../../../shared/deploy/shape-ranges.js';
import type { DeployPrecision } from '../../../shared/deploy/trtexec-command.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import type { Host } from '../api/host.js';
import { uploadFolder, type FolderFile } from '../api/data-folder.js';

export interface ExportState {
  open: boolean;
  status: 'idle' | 'loading-data' | 'running' | 'ready' | 'error' | 'cancelled';
  target: DeployTarget;
  precision: DeployPrecision;
  instance: 'cpu' | 'gpu';
  /** Triton on GPU: put ONNX Runtime's TensorRT accelerator in front. */
  tensorrtAccelerator: boolean;
  optimization: 'basic' | 'extended' | 'all';
  bakePreprocess: boolean;
  /** Softmax + TopK appended when > 0. */
  topK: number;
  /** Per input: 'MIN:OPT:MAX' with dims like 1x3x224x224; empty = the default range. */
  shapes: Record<string, string>;
  spec?: PreprocessSpec;
  dataset?: DatasetInfo;
  upload?: { done: number; total: number };
  jobId?: string;
  progress?: JobProgress;
  result?: ExportResult;
  error?: string;
  toggle(): void;
  set<K extends 'target' | 'precision' | 'instance' | 'tensorrtAccelerator' | 'optimization' | 'bakePreprocess' | 'topK'>(key: K, value: ExportState[K]): void;
  setShape(input: string, text: string): void;
  loadFolder(files: FolderFile[], folderName: string): Promise<void>;
  loadFolderPath(path: string): Promise<void>;
  run(): Promise<ExportResult | undefined>;
  cancel(): Promise<void>;
}

/** The Export panel's state: the bundle's settings, the calibration folder for INT8, and the job. */
export function createExportStore(client: EngineClient, host: Host, docId: string, bundleName: string) {
  return createStore<ExportState>()((set, get) => ({
    open: false,
    status: 'idle',
    target: 'tensorrt',
    precision: 'fp32',
    instance: 'cpu',
    tensorrtAccelerator: false,
    optimization: 'basic',
    bakePreprocess: false,
    topK: 0,
    shapes: {},

    toggle() {
      const open = !get().open;
      set({ open });
      if (open && !get().spec) void client.proposePreprocess({ docId }).then((spec) => spec && set({ spec }), () => undefined);
    },

    set(key, value) {
      set({ [key]: value } as Partial<ExportState>);
    },

    setShape(input, text) {
      set({ shapes: { ...get().shapes, [input]: text } });
    },

    async loadFolder(files, folderName) {
      set({ status: 'loading-data', error: undefined, dataset: undefined });
      try {
        const dataset = await uploadFolder(client, host, files, folderName, (done, total) => set({ upload: { done, total } }));
        set({ dataset, status: 'idle', upload: undefined });
      } catch (e) {
        set({ status: 'error', error: e instanceof Error ? e.message : String(e), upload: undefined });
      }
    },

    async loadFolderPath(path) {
      set({ status: 'loading-data', error: undefined, dataset: undefined });
      try {
        set({ dataset: await client.openDataset({ source: { kind: 'path', path } }), status: 'idle' });
      } catch (e) {
        set({ status: 'error', error: e instanceof Error ? e.message : String(e) });
      }
    },

    async run() {
      const s = get();
      const fail = (error: string) => {
        set({ status: 'error', error });
        return undefined;
      };
      if (s.precision === 'int8' && !s.dataset) return fail('INT8 needs calibration data: drop a folder of images on the panel first (or open a model that is already quantized).');
      if ((s.bakePreprocess || s.precision === 'int8') && !s.spec) return fail('The preprocessing is not known yet; wait for the proposal or open the Quantize panel to set it.');
      const shapes: Record<string, { min: number[]; opt: number[]; max: number[] }> = {};
      try {
        for (const [input, text] of Object.entries(s.shapes)) if (text.trim()) shapes[input] = parseShapeRange(`${input}=${text.trim()}`)[1];
      } catch (e) {
        return fail(e instanceof Error ? e.message : String(e));
      }
      let destination: { kind: 'path'; path: string; overwrite: boolean } | { kind: 'download' } = { kind: 'download' };
      if (host.kind === 'desktop') {
        const folder = await host.pickFolderPath?.();
        if (!folder) return undefined;
        destination = { kind: 'path', path: `${folder.replace(/[\\/]+$/, '')}/${bundleName}-${s.target}-${s.precision}`, overwrite: false };
      }
      set({ status: 'running', error: undefined, progress: undefined, result: undefined });
      try {
        const { jobId } = await client.startExport({
          docId,
          target: s.target,
          precision: s.precision,
          ...(s.precision === 'int8' && s.dataset ? { datasetId: s.dataset.datasetId } : {}),
          ...(s.spec && s.precision === 'int8' ? { spec: s.spec } : {}),
          ...(s.bakePreprocess && s.spec ? { bakePreprocess: s.spec } : {}),
          ...(s.topK > 0 ? { topK: s.topK } : {}),
          shapes,
          instance: s.instance,
          ...(s.target === 'triton' && s.tensorrtAccelerator ? { accelerator: 'tensorrt' as const } : {}),
          optimization: s.optimization,
          name: bundleName,
          destination,
        });
        set({ jobId });
        const job = await client.waitForJob(jobId, (progress) => set({ progress }));
        if (job.status !== 'succeeded') {
          set({ status: job.status === 'cancelled' ? 'cancelled' : 'error', error: job.error?.message, jobId: undefined });
          return undefined;
        }
        const result = job.result as ExportResult;
        set({ status: 'ready', result, jobId: undefined });
        if (result.downloadId && host.downloadUrl) {
          const link = document.createElement('a');
          link.href = host.downloadUrl(result.downloadId);
          link.download = result.fileName ?? `${bundleName}.zip`;
          link.click();
        }
        return result;
      } catch (e) {
        set({ status: 'error', error: e instanceof Error ? e.message : String(e), jobId: undefined });
        return undefined;
      }
    },

    async cancel() {
      const jobId = get().jobId;
      if (jobId) await client.cancelJob({ jobId }).catch(() => undefined);
    },
  }));
}

export type ExportStore = ReturnType<typeof createExportStore>;
