import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { GraphState, GraphStore } from './graph-store.js';

export const GraphStoreContext = createContext<GraphStore | null>(null);

export function useGraph<T>(selector: (s: GraphState) => T): T {
  const store = useContext(GraphStoreContext);
  if (!store) throw new Error('useGraph must be used inside <GraphStoreContext.Provider>');
  return useStore(store, selector);
}

export function useGraphStore(): GraphStore {
  const store = useContext(GraphStoreContext);
  if (!store) throw new Error('useGraphStore must be used inside <GraphStoreContext.Provider>');
  return store;
}
