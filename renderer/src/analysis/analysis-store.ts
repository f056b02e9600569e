import { createStore } from 'zustand/vanilla';
import type { EngineClient } from '../../../shared/api/client.js';
import type { ModelInfo } from '../../../shared/api/dto.js';
import { heatValues, type HeatMetric } from '../../../shared/analysis/analysis-export.js';
import type { Analysis } from '../../../shared/analysis/cost-model.js';

export interface AnalysisState {
  open: boolean;
  status: 'idle' | 'running' | 'ready' | 'error';
  error?: string;
  result?: Analysis;
  /** What the user typed for each graph input's dims ('batch x 3 x 224 x 224'). */
  shapeText: Record<string, string>;
  shapeErrors: Record<string, string>;
  heat: HeatMetric | 'none';
  toggle(): void;
  setShape(input: string, text: string): void;
  setHeat(metric: HeatMetric | 'none'): void;
  run(): Promise<void>;
}

/** 'batch x 3 x 224 x 224', '1,3,224,224' or '1x3x224x224' -> dims; a string explains what is wrong. */
export function parseDims(text: string): (number | string)[] | string {
  const parts = text.trim().split(/\s*[x×,]\s*|\s+/).filter(Boolean);
  if (parts.length === 0) return 'give the dimensions, e.g. 1 x 3 x 224 x 224';
  const dims = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const bad = dims.find((d) => typeof d === 'string' && !/^[A-Za-z_]\w*$/.test(d));
  return bad === undefined ? dims : `'${bad}' is neither a whole number nor a name`;
}

/** Typing pauses shorter than this do not start an analysis per keystroke. */
const RERUN_DELAY_MS = 20;

/** `showHeat` paints (or, with undefined, clears) the heat map on the graph. */
export function createAnalysisStore(client: EngineClient, model: ModelInfo, showHeat: (heat: ReadonlyMap<number, number> | undefined) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  return createStore<AnalysisState>()((set, get) => ({
    open: false,
    status: 'idle',
    shapeText: Object.fromEntries(model.summary.graph.inputs.map((v) => [v.name, (v.shape ?? []).map((d) => (d === null ? '?' : String(d))).join(' x ')])),
    shapeErrors: {},
    heat: 'none',

    toggle() {
      const open = !get().open;
      set({ open });
      if (open && get().status === 'idle') void get().run();
    },

    setShape(input, text) {
      performance.mark('analysis:input');
      set({ shapeText: { ...get().shapeText, [input]: text } });
      clearTimeout(timer);
      timer = setTimeout(() => void get().run(), RERUN_DELAY_MS);
    },

    setHeat(metric) {
      const result = get().result;
      set({ heat: metric });
      showHeat(metric !== 'none' && result ? heatValues(result, metric) : undefined);
    },

    async run() {
      const inputShapes: Record<string, (number | string)[]> = {};
      const shapeErrors: Record<string, string> = {};
      for (const [name, text] of Object.entries(get().shapeText)) {
        if (text.includes('?')) continue; // unknown dims stay as the file declares them
        const dims = parseDims(text);
        if (typeof dims === 'string') shapeErrors[name] = dims;
        else inputShapes[name] = dims;
      }
      set({ shapeErrors });
      if (Object.keys(shapeErrors).length > 0) return;
      const mine = ++generation;
      performance.mark('analysis:request');
      set({ status: 'running', error: undefined });
      try {
        const result = await client.analyzeModel({ docId: model.docId, inputShapes });
        performance.mark('analysis:received');
        if (mine !== generation) return;
        const heat = get().heat;
        set({ result, status: 'ready' });
        if (heat !== 'none') showHeat(heatValues(result, heat));
      } catch (e) {
        if (mine === generation) set({ status: 'error', error: e instanceof Error ? e.message : String(e) });
      }
    },
  }));
}

export type AnalysisStore = ReturnType<typeof createAnalysisStore>;
