import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { QuantizeState, QuantizeStore } from './quantize-store.js';

export const QuantizeStoreContext = createContext<QuantizeStore | null>(null);

export function useQuantize<T>(selector: (s: QuantizeState) => T): T {
  const store = useContext(QuantizeStoreContext);
  if (!store) throw new Error('useQuantize outside a QuantizeStoreContext');
  return useStore(store, selector);
}
