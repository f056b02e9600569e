import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from './app-store.js';

export const StoreContext = createContext<AppStore | null>(null);

/** Narrow selectors keep components from re-rendering on unrelated state. */
export function useApp<T>(selector: (s: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp must be used inside <StoreContext.Provider>');
  return useStore(store, selector);
}
