// The corpus manifest written by scripts/corpus.py: what each model is and its reference figures.
import { readFileSync } from 'node:fs';

export interface SweepInput {
  name: string;
  shape: number[];
  /** A fixed value for inputs that select behaviour (silero's sample rate) rather than carry data. */
  value?: number;
}

export interface CorpusModel {
  name: string;
  file: string;
  source: string;
  kind: string;
  opset: number | null;
  nodes: number;
  bytes: number;
  inputs: { name: string; elemType: string; shape: (number | string | null)[] }[];
  sweepInputs: SweepInput[];
  macsRef: number | null;
  paramsRef: number | null;
  published?: { gmacs: number; params: number; inputSize: string };
  dynamic?: boolean;
  note?: string;
  /** Set when the exporter failed; the model is listed with the reason and not swept. */
  error?: string;
}

export interface Manifest {
  schemaVersion: number;
  models: Record<string, Omit<CorpusModel, 'name'>>;
}

export function readManifest(file: string): CorpusModel[] {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    throw new Error(`cannot read the corpus manifest ${file} (${(e as Error).message}); run \`npm run corpus\` first`);
  }
  if (manifest.schemaVersion !== 1 || typeof manifest.models !== 'object') {
    throw new Error(`${file} is not a corpus manifest of schema 1; regenerate it with \`npm run corpus\``);
  }
  return Object.entries(manifest.models).map(([name, m]) => ({ name, ...m }));
}

/** Attention models get the looser MAC tolerance: softmax/scaling conventions differ between counters. */
export function isAttentionModel(m: CorpusModel): boolean {
  return /vit|swin|maxvit|transformer/i.test(m.name);
}
