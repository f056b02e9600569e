import { formatDims, type ShapeRange } from './shape-ranges.js';

export type DeployPrecision = 'fp32' | 'fp16' | 'int8';

export interface TrtexecOptions {
  readonly model: string;
  readonly engine: string;
  readonly timingCache: string;
  readonly precision: DeployPrecision;
  /** Explicit quantization: the model carries Q/DQ, so TensorRT needs no calibration. */
  readonly explicitInt8: boolean;
  /** A calibration cache for implicit INT8 (FP32 model + cache). */
  readonly calibrationCache?: string;
  readonly shapes: ReadonlyMap<string, ShapeRange>;
  /** ONNX node names (TensorRT names its layers after them) that must run in float32. */
  readonly floatLayers: readonly string[];
}

/** Shell-quotes one argument for the generated script. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function shapeFlag(flag: string, shapes: ReadonlyMap<string, ShapeRange>, pick: (r: ShapeRange) => number[]): string {
  return `--${flag}=${[...shapes].map(([name, r]) => `${name}:${formatDims(pick(r))}`).join(',')}`;
}

/** The trtexec arguments that build an engine for the model as exported (one per line in the script). */
export function trtexecArguments(o: TrtexecOptions): string[] {
  const args = [`--onnx=${o.model}`, `--saveEngine=${o.engine}`, `--timingCacheFile=${o.timingCache}`];
  if (o.shapes.size > 0) {
    args.push(shapeFlag('minShapes', o.shapes, (r) => r.min), shapeFlag('optShapes', o.shapes, (r) => r.opt), shapeFlag('maxShapes', o.shapes, (r) => r.max));
  }
  // FP16 alongside INT8 lets TensorRT run the layers it cannot quantize in half rather than float.
  if (o.precision === 'fp16') args.push('--fp16');
  if (o.precision === 'int8') {
    args.push('--int8', '--fp16');
    if (!o.explicitInt8 && o.calibrationCache) args.push(`--calib=${o.calibrationCache}`);
  }
  if (o.floatLayers.length > 0) {
    args.push('--precisionConstraints=obey', `--layerPrecisions=${o.floatLayers.map((n) => `${n}:fp32`).join(',')}`);
  }
  return args;
}

/** build-engine.sh: runs trtexec from the bundle folder, whatever the current directory is. */
export function buildEngineScript(o: TrtexecOptions): string {
  const lines = trtexecArguments(o).map((a) => `  ${shellQuote(a)}`);
  return [
    '#!/usr/bin/env bash',
    '# Builds a TensorRT engine from this bundle on the machine that will run it (engines are not portable',
    '# across GPUs or TensorRT versions). Extra trtexec flags given to this script are passed on.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    `trtexec \\\n${lines.join(' \\\n')} \\\n  "$@"`,
    '',
  ].join('\n');
}
