import type { CalibrationMethod } from './calibration-methods.js';
import type { QuantType } from './quant-params.js';

export type QuantizeMode = 'fp16' | 'int8-dynamic' | 'int8-static';

/** How INT8 values are laid out: what a backend preset sets and the user may override. */
export interface Int8Options {
  activations: { type: QuantType; symmetric: boolean };
  weights: { type: QuantType; symmetric: boolean; perChannel: boolean; reduceRange: boolean };
  method: CalibrationMethod;
  /** Percentile method: share of values kept inside the range. */
  percentile: number;
  /** Node names left in float. */
  excludeNodes: string[];
  /** Op types left in float. */
  excludeOpTypes: string[];
}

export interface Fp16Options {
  /** Keep float32 graph inputs and outputs (Casts at the edges) so callers need not change. */
  keepIOTypes: boolean;
  /** Op types kept in float32, with Casts around them. */
  blockOps: string[];
  /** Node names kept in float32. */
  excludeNodes: string[];
}

/** The rules file (resources/quantization-rules.json). */
export interface OpRule {
  kind: 'weighted' | 'arithmetic' | 'passthrough' | 'activation';
  activations?: number[] | 'all';
  weight?: number;
  /** Channel axis of the weight: a number (negative from the end) or 'gemm' (depends on transB). */
  weightAxis?: number | 'gemm';
  bias?: number;
  /** The integer op INT8 dynamic quantization rewrites this op into. */
  dynamic?: 'ConvInteger' | 'MatMulInteger';
}

export interface QuantRules {
  ops: Record<string, OpRule>;
  /** Op types left in float by default, with why. */
  leftInFloat: Record<string, string>;
  /** Op types FP16 conversion keeps in float32 by default, with why. */
  fp16KeptInFloat: Record<string, string>;
}

/** A node that was not quantized, and why (shown to the user). */
export interface ExcludedNode {
  name: string;
  opType: string;
  reason: string;
}

/** What every quantization returns about its result. */
export interface QuantizeSummary {
  mode: QuantizeMode;
  quantizedNodes: number;
  quantizedNodeNames: string[];
  excludedNodes: ExcludedNode[];
  warnings: string[];
}
