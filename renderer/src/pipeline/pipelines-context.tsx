import { createContext, useContext } from 'react';
import type { PipelinesStore } from './pipelines-store.js';

/** The open pipelines, for the model view's Pipeline button (it opens the model's recorded steps as a pipeline). */
export const PipelinesContext = createContext<PipelinesStore | null>(null);

export function usePipelines(): PipelinesStore | null {
  return useContext(PipelinesContext);
}
