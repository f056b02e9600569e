import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AnalysisState, AnalysisStore } from './analysis-store.js';

export const AnalysisStoreContext = createContext<AnalysisStore | null>(null);

export function useAnalysis<T>(selector: (s: AnalysisState) => T): T {
  const store = useContext(AnalysisStoreContext);
  if (!store) throw new Error('useAnalysis must be used inside <AnalysisStoreContext.Provider>');
  return useStore(store, selector);
}
