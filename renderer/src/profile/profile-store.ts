import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { BackendInfo, JobProgress } from '../../../shared/api/dto.js';
import { profileHeat } from '../../../shared/profile/profile-export.js';
import type { ProfileResult } from '../../../shared/profile/profile-types.js';

export interface ProfileSettings {
  backend: string;
  optimization: 'disabled' | 'basic' | 'extended' | 'all';
  threads: string;
  runs: string;
  warmup: string;
}

export interface ProfileState {
  open: boolean;
  status: 'idle' | 'running' | 'ready' | 'error' | 'cancelled';
  settings: ProfileSettings;
  backends?: BackendInfo[];
  jobId?: string;
  progress?: JobProgress;
  result?: ProfileResult;
  error?: string;
  heatOn: boolean;
  /** Dims typed for inputs with dynamic axes ('4 x 3 x 224 x 224'), by input name. */
  dims: Record<string, string>;
  setDims(input: string, text: string): void;
  toggle(): void;
  setSetting<K extends keyof ProfileSettings>(key: K, value: ProfileSettings[K]): void;
  run(): Promise<void>;
  cancel(): Promise<void>;
  setHeat(on: boolean): void;
}

function whole(text: string, name: string, min: number, max: number): number | string {
  const n = Number(text);
  return Number.isInteger(n) && n >= min && n <= max ? n : `${name} must be a whole number from ${min} to ${max}`;
}

export function createProfileStore(client: EngineClient, docId: string, showHeat: (heat: ReadonlyMap<number, number> | undefined) => void) {
  return createStore<ProfileState>()((set, get) => ({
    open: false,
    status: 'idle',
    settings: { backend: 'cpu', optimization: 'all', threads: '', runs: '50', warmup: '5' },
    heatOn: false,
    dims: {},

    setDims(input, text) {
      set({ dims: { ...get().dims, [input]: text } });
    },

    toggle() {
      const open = !get().open;
      set({ open });
      if (open && !get().backends) void client.listBackends({}).then((backends) => set({ backends }), () => undefined);
    },

    setSetting(key, value) {
      set({ settings: { ...get().settings, [key]: value } });
    },

    async run() {
      const s = get().settings;
      const runs = whole(s.runs, 'Runs', 1, 10_000);
      const warmup = whole(s.warmup, 'Warm-up runs', 0, 1_000);
      const threads = s.threads.trim() === '' ? undefined : whole(s.threads, 'Threads', 1, 256);
      const inputShapes: Record<string, number[]> = {};
      for (const [name, text] of Object.entries(get().dims)) {
        const parts = text.trim().split(/\s*[x×,]\s*|\s+/).filter(Boolean);
        if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
          set({ status: 'error', error: `The dims of ${name} must be whole numbers such as 4 x 3 x 224 x 224.` });
          return;
        }
        inputShapes[name] = parts.map(Number);
      }
      const invalid = [runs, warmup, threads].find((v) => typeof v === 'string');
      if (invalid) {
        set({ status: 'error', error: `${invalid}.` });
        return;
      }
      set({ status: 'running', error: undefined, progress: undefined });
      try {
        const { jobId } = await client.startProfile({
          docId,
          backend: s.backend,
          optimization: s.optimization,
          runs: runs as number,
          warmup: warmup as number,
          ...(threads !== undefined ? { threads: threads as number } : {}),
          ...(Object.keys(inputShapes).length > 0 ? { inputShapes } : {}),
        });
        set({ jobId });
        const job = await client.waitForJob(jobId, (progress) => set({ progress }));
        if (job.status === 'succeeded') {
          const result = job.result as ProfileResult;
          set({ status: 'ready', result, jobId: undefined });
          if (get().heatOn) showHeat(profileHeat(result));
        } else set({ status: job.status === 'cancelled' ? 'cancelled' : 'error', error: job.error?.message, jobId: undefined });
      } catch (e) {
        set({ status: 'error', error: e instanceof Error ? e.message : String(e), jobId: undefined });
      }
    },

    async cancel() {
      const jobId = get().jobId;
      if (jobId) await client.cancelJob({ jobId }).catch(() => undefined);
    },

    setHeat(on) {
      set({ heatOn: on });
      const result = get().result;
      showHeat(on && result ? profileHeat(result) : undefined);
    },
  }));
}

export type ProfileStore = ReturnType<typeof createProfileStore>;
