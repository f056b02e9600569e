import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ExportState, ExportStore } from './export-store.js';

export const ExportStoreContext = createContext<ExportStore | null>(null);

export function useExport<T>(selector: (s: ExportState) => T): T {
  const store = useContext(ExportStoreContext);
  if (!store) throw new Error('useExport outside an ExportStoreContext');
  return useStore(store, selector);
}
