import { createStore } from 'zustand/vanilla';
import { createEngineClient, type EngineClient } from '../../../shared/api/client.js';
import type { AppInfo, JobInfo, ModelInfo, ModelSource, SampleInfo, SaveResult } from '../../../shared/api/dto.js';
import type { Host } from '../api/host.js';
import { EngineError } from '../../../shared/api/errors.js';
import { prepareGraphStore } from '../graph/graph-store.js';

/** Work the user is waiting for: shown as a progress bar, with Cancel when it is an engine job. */
export interface Task {
  label: string;
  done: number;
  total: number;
  etaSeconds?: number;
  jobId?: string;
}

export interface AppState {
  client: EngineClient;
  ready: boolean;
  appInfo?: AppInfo;
  samples: SampleInfo[];
  models: ModelInfo[];
  activeDocId?: string;
  task?: Task;
  error?: string;
  notice?: string;
  boot(): Promise<void>;
  openSample(name: string): Promise<void>;
  openFile(file: File): Promise<void>;
  openWithDialog(): Promise<void>;
  /** Desktop: open a model by path (menu Open Recent, files dropped on the window). */
  openPath(path: string): Promise<void>;
  save(): Promise<void>;
  /** Desktop: writes the model over the file it was opened from, after the user confirmed. */
  saveInPlace(): Promise<void>;
  close(docId: string): Promise<void>;
  cancelTask(): Promise<void>;
  dismissMessages(): void;
  /** Shows another open model (the document tabs). */
  activate(docId: string): void;
  /** Re-reads the open models, e.g. after a job opened a new one (a quantized result). */
  refreshModels(): Promise<void>;
  /** The host, for panels that upload or pick files. */
  host: Host;
  /** Applies an edit command to the open model; resolves to whether it applied (errors are shown). */
  edit(command: string, params: unknown): Promise<boolean>;
  undo(): Promise<void>;
  redo(): Promise<void>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function createAppStore(host: Host) {
  const client: EngineClient = createEngineClient(host.transport);

  return createStore<AppState>()((set, get) => {
    /** Runs a user action: one task at a time, errors shown as one sentence, never thrown at React. */
    async function act(label: string, work: () => Promise<void>): Promise<void> {
      set({ task: { label, done: 0, total: 0 }, error: undefined, notice: undefined });
      try {
        await work();
      } catch (e) {
        set({ error: message(e) });
      } finally {
        set({ task: undefined });
      }
    }

    async function open(source: ModelSource): Promise<void> {
      const info = await client.openModel({ source });
      set((s) => ({ models: [...s.models, info], activeDocId: info.docId }));
    }

    /** A model's new state after an edit, undo or redo. */
    function replaceModel(info: ModelInfo): void {
      set((s) => ({ models: s.models.map((m) => (m.docId === info.docId ? info : m)) }));
    }

    let booting: Promise<void> | undefined;
    async function bootOnce(): Promise<void> {
      await act('Starting', async () => {
        // The first document's graph is requested (and laid out) as soon as the documents are known,
        // beside the other calls and before the workspace mounts.
        const listed = client.listModels({}).then((models) => {
          if (models[0]) prepareGraphStore(client, models[0].docId);
          return models;
        });
        const [appInfo, samples, models] = await Promise.all([client.getAppInfo({}), client.listSamples({}), listed]);
        set({ appInfo, samples, models, activeDocId: models[0]?.docId });
      });
      set({ ready: true });
    }

    async function runJob(label: string, jobId: string): Promise<JobInfo> {
      set({ task: { label, done: 0, total: 0, jobId } });
      const job = await client.waitForJob(jobId, (p) =>
        set({ task: { label, done: p.done, total: p.total, jobId, ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}) } }),
      );
      if (job.status === 'failed') throw new Error(job.error?.message ?? `${label} failed.`);
      return job;
    }

    return {
      client,
      ready: false,
      samples: [],
      models: [],

      boot() {
        // Started by main.tsx before React renders, and again by App's effect: one boot either way.
        booting ??= bootOnce();
        return booting;
      },

      openSample: (name) => act('Opening sample', () => open({ kind: 'sample', name })),

      openPath: (path) => act('Opening', () => open({ kind: 'path', path })),

      openFile: (file) =>
        act(`Opening ${file.name}`, async () => {
          // Besides binary .onnx, the JSON and text forms of a model open read-only as in Netron.
          if (!/\.(onnx|json|onnxtxt|txt|pbtxt|prototxt|pb)$/i.test(file.name)) throw new Error(`'${file.name}' is not an .onnx file (or its .json, .pbtxt, .onnxtxt or .pb form); drop an ONNX model.`);
          const path = host.pathForFile?.(file);
          if (path) return open({ kind: 'path', path });
          if (!host.upload) throw new Error('This file has no path on disk; use File > Open.');
          const blobId = await host.upload(file, (done, total) => set({ task: { label: `Uploading ${file.name}`, done, total } }));
          await open({ kind: 'blob', blobId });
        }),

      openWithDialog: () =>
        act('Opening', async () => {
          const path = await host.pickModelPath?.();
          if (path) await open({ kind: 'path', path });
        }),

      save: () =>
        act('Saving', async () => {
          const doc = get().models.find((m) => m.docId === get().activeDocId);
          if (!doc) return;
          if (host.kind === 'desktop') {
            const path = await host.pickSavePath?.(doc.fileName.replace(/\.(json|onnxtxt|txt|pbtxt|prototxt|pb)$/i, '.onnx'));
            if (!path) return;
            const { jobId } = await client.startSaveModel({ docId: doc.docId, target: { kind: 'path', path, overwrite: true } });
            const job = await runJob(`Saving ${doc.fileName}`, jobId);
            if (job.status === 'succeeded') set({ notice: `Saved ${(job.result as SaveResult).path ?? doc.fileName}.` });
            return;
          }
          const { jobId } = await client.startSaveModel({ docId: doc.docId, target: { kind: 'download' } });
          const job = await runJob(`Saving ${doc.fileName}`, jobId);
          if (job.status !== 'succeeded') return;
          const result = job.result as SaveResult;
          const link = document.createElement('a');
          link.href = host.downloadUrl!(result.downloadId!);
          link.download = result.fileName;
          link.click();
          set({ notice: `Saved ${result.fileName} (${result.bytesWritten.toLocaleString('en-US')} bytes) to your downloads.` });
        }),

      host,

      async edit(command, params) {
        const docId = get().activeDocId;
        if (!docId) return false;
        set({ error: undefined, notice: undefined });
        try {
          const { notes, ...info } = await client.applyEdit({ docId, command, params });
          replaceModel(info);
          if (notes.length > 0) set({ notice: notes.join(' ') });
          return true;
        } catch (e) {
          set({ error: message(e) });
          return false;
        }
      },

      async undo() {
        const doc = get().models.find((m) => m.docId === get().activeDocId);
        if (!doc?.undoLabel) return;
        await client.undoEdit({ docId: doc.docId }).then(replaceModel, (e: unknown) => set({ error: message(e) }));
      },

      async redo() {
        const doc = get().models.find((m) => m.docId === get().activeDocId);
        if (!doc?.redoLabel) return;
        await client.redoEdit({ docId: doc.docId }).then(replaceModel, (e: unknown) => set({ error: message(e) }));
      },

      activate(docId) {
        if (get().models.some((m) => m.docId === docId)) set({ activeDocId: docId });
      },

      async refreshModels() {
        const models = await client.listModels({});
        set({ models });
      },

      saveInPlace: () =>
        act('Saving', async () => {
          const doc = get().models.find((m) => m.docId === get().activeDocId);
          if (!doc?.path) return;
          const start = (overwriteChanged: boolean) => client.startSaveModel({ docId: doc.docId, target: { kind: 'path', path: doc.path!, overwrite: true, overwriteChanged } });
          // Another program changed the file since it was opened: saving over that needs a second yes.
          const { jobId } = await start(false).catch((e: unknown) => {
            if (!(e instanceof EngineError && e.code === 'CHANGED_ON_DISK') || !window.confirm(`${e.message} Save over it?`)) throw e;
            return start(true);
          });
          const job = await runJob(`Saving ${doc.fileName}`, jobId);
          if (job.status !== 'succeeded') return;
          set((s) => ({ models: s.models.map((m) => (m.docId === doc.docId ? { ...m, dirty: false } : m)), notice: `Saved ${doc.path}.` }));
        }),

      close: (docId) =>
        act('Closing', async () => {
          await client.closeModel({ docId });
          set((s) => {
            const models = s.models.filter((m) => m.docId !== docId);
            return { models, activeDocId: s.activeDocId === docId ? models[0]?.docId : s.activeDocId };
          });
        }),

      async cancelTask() {
        const jobId = get().task?.jobId;
        if (jobId) await client.cancelJob({ jobId }).catch((e: unknown) => set({ error: message(e) }));
      },

      dismissMessages: () => set({ error: undefined, notice: undefined }),
    };
  });
}

export type AppStore = ReturnType<typeof createAppStore>;
