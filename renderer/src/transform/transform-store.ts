import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { ConvertOpsetResult, JobProgress } from '../../../shared/api/dto.js';
import type { MethodArgs, MethodResults } from '../../../shared/api/methods.js';
import type { NodeChanges } from '../../../shared/simplify/node-changes.js';

/** How a node is marked on the graph after a transform. */
export type NodeMark = 'added' | 'changed';

export type TransformRequest = { kind: 'simplify'; args: Omit<MethodArgs<'startSimplify'>, 'docId'> } | { kind: 'convert'; args: Omit<MethodArgs<'startConvertOpset'>, 'docId'> };

export type TransformResult =
  | { kind: 'simplify'; value: MethodResults['simplifyModel']; version: number }
  | { kind: 'convert'; value: ConvertOpsetResult; version: number };

export interface TransformState {
  running?: { kind: TransformRequest['kind']; jobId?: string; progress?: JobProgress };
  /** The last transform applied, and the model version it made (undo or another edit makes it stale). */
  result?: TransformResult;
  stale: boolean;
  /** A result the ONNX Runtime check refused: its one sentence, and the request to repeat with force. */
  refusal?: { message: string; request: TransformRequest };
  error?: string;
  /** Set by the header's Simplify / Convert button until the form has scrolled into view. */
  revealing: boolean;
  reveal(): void;
  revealed(): void;
  run(request: TransformRequest): Promise<void>;
  keepAnyway(): Promise<void>;
  cancel(): Promise<void>;
  /** The model's version changed (an edit, undo or redo): marks of an older version come off the graph. */
  modelChanged(version: number): void;
}

function markMap(changes: NodeChanges): Map<string, NodeMark> {
  return new Map<string, NodeMark>([...changes.changed.map((n) => [n, 'changed'] as const), ...changes.added.map((n) => [n, 'added'] as const)]);
}

/**
 * Simplify and Convert opset on one open document: each runs as an engine job (progress, Cancel) and
 * applies as one undoable edit. The report stays until the next run; the graph marks go with the version.
 */
export function createTransformStore(client: EngineClient, docId: string, onApplied: () => Promise<void>, setMarks: (marks: ReadonlyMap<string, NodeMark> | undefined) => void) {
  return createStore<TransformState>()((set, get) => ({
    stale: false,
    revealing: false,

    reveal() {
      set({ revealing: true });
    },

    revealed() {
      set({ revealing: false });
    },

    async run(request) {
      if (get().running) return;
      set({ running: { kind: request.kind }, refusal: undefined, error: undefined });
      try {
        const { jobId } = request.kind === 'simplify' ? await client.startSimplify({ docId, ...request.args }) : await client.startConvertOpset({ docId, ...request.args });
        set({ running: { kind: request.kind, jobId } });
        const job = await client.waitForJob(jobId, (progress) => set({ running: { kind: request.kind, jobId, progress } }));
        if (job.status === 'cancelled') return;
        if (job.status !== 'succeeded') {
          const message = job.error?.message ?? `The ${request.kind} did not finish.`;
          // RUNTIME_ERROR is the ONNX Runtime check refusing the result: the user may keep it anyway.
          if (job.error?.code === 'RUNTIME_ERROR' && !request.args.force) set({ refusal: { message, request } });
          else set({ error: message });
          return;
        }
        const result = (request.kind === 'simplify'
          ? { kind: 'simplify', value: job.result as MethodResults['simplifyModel'] }
          : { kind: 'convert', value: job.result as ConvertOpsetResult }) as Omit<TransformResult, 'version'>;
        const version = result.value.model.version;
        set({ result: { ...result, version } as TransformResult, stale: false });
        setMarks(markMap(result.value.changes));
        await onApplied();
      } catch (e) {
        set({ error: e instanceof Error ? e.message : String(e) });
      } finally {
        set({ running: undefined });
      }
    },

    async keepAnyway() {
      const refusal = get().refusal;
      if (!refusal) return;
      await get().run({ ...refusal.request, args: { ...refusal.request.args, force: true } } as TransformRequest);
    },

    async cancel() {
      const jobId = get().running?.jobId;
      if (jobId) await client.cancelJob({ jobId }).catch((e: unknown) => set({ error: e instanceof Error ? e.message : String(e) }));
    },

    modelChanged(version) {
      const result = get().result;
      if (!result || result.version === version || get().stale) return;
      set({ stale: true });
      setMarks(undefined);
    },
  }));
}

export type TransformStore = ReturnType<typeof createTransformStore>;
