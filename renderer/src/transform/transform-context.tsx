import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { TransformState, TransformStore } from './transform-store.js';

export const TransformStoreContext = createContext<TransformStore | null>(null);

export function useTransform<T>(selector: (s: TransformState) => T): T {
  const store = useContext(TransformStoreContext);
  if (!store) throw new Error('useTransform outside a TransformStoreContext');
  return useStore(store, selector);
}
