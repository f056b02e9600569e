import type { CalibrationMethod } from './calibration-methods.js';
import type { Int8Options } from './quant-options.js';

/** A target backend's INT8 layout (resources/quantization-presets.json). */
export interface BackendPreset {
  id: string;
  name: string;
  activations: Int8Options['activations'];
  weights: Int8Options['weights'];
  method: CalibrationMethod;
  why: string;
}

export interface PresetFile {
  presets: BackendPreset[];
}

export const DEFAULT_PRESET = 'ort-cpu';

/** Options from a preset, with the user's overrides on top. */
export function int8Options(preset: BackendPreset, overrides: Partial<Int8Options> = {}): Int8Options {
  return {
    activations: { ...preset.activations },
    weights: { ...preset.weights },
    method: preset.method,
    percentile: 99.999,
    excludeNodes: [],
    excludeOpTypes: [],
    ...overrides,
  };
}
