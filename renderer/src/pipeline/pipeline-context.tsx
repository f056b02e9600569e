import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { PipelineState, PipelineStore } from './pipeline-store.js';

export const PipelineStoreContext = createContext<PipelineStore | null>(null);

export function usePipeline<T>(selector: (s: PipelineState) => T): T {
  const store = useContext(PipelineStoreContext);
  if (!store) throw new Error('usePipeline outside a PipelineStoreContext');
  return useStore(store, selector);
}
