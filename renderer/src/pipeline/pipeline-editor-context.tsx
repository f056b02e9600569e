import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { PipelineEditorState, PipelineEditorStore } from './pipeline-editor-store.js';

export const PipelineEditorContext = createContext<PipelineEditorStore | null>(null);

export function usePipelineEditorStore(): PipelineEditorStore {
  const store = useContext(PipelineEditorContext);
  if (!store) throw new Error('usePipelineEditor outside a PipelineEditorContext');
  return store;
}

export function usePipelineEditor<T>(selector: (s: PipelineEditorState) => T): T {
  return useStore(usePipelineEditorStore(), selector);
}
