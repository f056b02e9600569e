import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { DiffView } from '../../../shared/diff/diff-view.js';

export interface DiffSides {
  readonly a: { docId: string; fileName: string };
  readonly b: { docId: string; fileName: string };
}

export interface DiffState {
  /** The two models being compared; undefined while no diff is open. */
  sides?: DiffSides;
  status: 'closed' | 'loading' | 'ready' | 'error';
  result?: DiffView;
  error?: string;
  /** The Changes list and the canvas leave unchanged nodes out (the canvas dims them). */
  changesOnly: boolean;
  open(sides: DiffSides): Promise<void>;
  close(): void;
  setChangesOnly(on: boolean): void;
}

/** The Diff view's state: which two open models, and their diff once the engine has computed it. */
export function createDiffStore(client: EngineClient) {
  return createStore<DiffState>()((set, get) => ({
    status: 'closed',
    changesOnly: true,

    async open(sides) {
      set({ sides, status: 'loading', result: undefined, error: undefined });
      try {
        const result = await client.getDiffView({ docIdA: sides.a.docId, docIdB: sides.b.docId });
        if (get().sides === sides) set({ result, status: 'ready' });
      } catch (e) {
        if (get().sides === sides) set({ status: 'error', error: e instanceof Error ? e.message : String(e) });
      }
    },

    close() {
      set({ sides: undefined, status: 'closed', result: undefined, error: undefined });
    },

    setChangesOnly(on) {
      set({ changesOnly: on });
    },
  }));
}

export type DiffStore = ReturnType<typeof createDiffStore>;
