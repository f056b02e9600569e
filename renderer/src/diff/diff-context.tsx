import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DiffState, DiffStore } from './diff-store.js';

export const DiffStoreContext = createContext<DiffStore | null>(null);

export function useDiffStore(): DiffStore {
  const store = useContext(DiffStoreContext);
  if (!store) throw new Error('useDiff must be used inside <DiffStoreContext.Provider>');
  return store;
}

export function useDiff<T>(selector: (s: DiffState) => T): T {
  return useStore(useDiffStore(), selector);
}
