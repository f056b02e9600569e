import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { CompareState, CompareStore } from './compare-store.js';

export const CompareStoreContext = createContext<CompareStore | null>(null);

export function useCompare<T>(selector: (s: CompareState) => T): T {
  const store = useContext(CompareStoreContext);
  if (!store) throw new Error('useCompare outside a CompareStoreContext');
  return useStore(store, selector);
}
