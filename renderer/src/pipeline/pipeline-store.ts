import { createStore } from 'zustand/vanilla';

/** The Pipeline panel's open state (its contents come from the engine each time it shows). */
export interface PipelineState {
  open: boolean;
  toggle(): void;
}

export function createPipelineStore() {
  return createStore<PipelineState>()((set, get) => ({
    open: false,
    toggle: () => set({ open: !get().open }),
  }));
}

export type PipelineStore = ReturnType<typeof createPipelineStore>;
