import type { DeployPrecision } from './trtexec-command.js';

export type DeployTarget = 'tensorrt' | 'triton' | 'ort';

export interface BundleFile {
  path: string;
  bytes: number;
  role: string;
}

/** What `onnx-studio export --json` prints and the Export panel shows (field names are a contract). */
export interface ExportResult {
  target: DeployTarget;
  /** The bundle folder (CLI and desktop), or the bundle's name when it was packed as a download. */
  dir: string;
  files: BundleFile[];
  shapes: Record<string, { min: number[]; opt: number[]; max: number[] }>;
  precision: DeployPrecision;
  calibration?: { tensors: number; method: string };
  baked?: { preprocess: boolean; postprocess: string | null };
  /** Largest output difference found by the checks (baked against unbaked, optimized against not). */
  maxAbsDiff: number;
  /** Browser mode: the bundle as a .zip at /api/download/<downloadId>. */
  downloadId?: string;
  fileName?: string;
}
