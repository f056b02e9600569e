// What every column's check gets: the model, where to write, the CLI and the time left for this model.
import path from 'node:path';
import type { CorpusModel } from './corpus-manifest.js';
import { runProcess, type ProcessResult } from './run-process.js';

export interface SweepOptions {
  repoRoot: string;
  /** Seconds one model may take over all its columns. */
  modelLimitSeconds: number;
  /** ONNX Runtime threads for agreement runs and profiling; the sweep shares small machines. */
  threads: number;
  /** Seeded inputs the agreement runs on (fewer for very heavy models, see samplesFor). */
  samples: number;
}

export class SweepContext {
  private readonly deadline: number;

  constructor(
    readonly model: CorpusModel,
    readonly modelPath: string,
    readonly workDir: string,
    readonly options: SweepOptions,
  ) {
    this.deadline = performance.now() + options.modelLimitSeconds * 1000;
  }

  secondsLeft(): number {
    return Math.max(0, (this.deadline - performance.now()) / 1000);
  }

  out(name: string): string {
    return path.join(this.workDir, name);
  }

  /** `bin/onnx-studio ARGS`, bounded by the time left for this model. */
  cli(args: string[]): Promise<ProcessResult> {
    return runProcess(process.execPath, [path.join(this.options.repoRoot, 'bin', 'onnx-studio'), ...args], Math.max(1, this.secondsLeft()), this.options.repoRoot);
  }

  /** `--shape NAME=DIMS` for every input, at the static dims the manifest gives. */
  shapeArgs(): string[] {
    return this.model.sweepInputs.flatMap((i) => (i.shape.length > 0 ? ['--shape', `${i.name}=${i.shape.join('x')}`] : []));
  }

  /** `--value NAME=NUMBER` for every input the manifest fixes (silero's sample rate), for the tools' own checks. */
  valueArgs(): string[] {
    return this.model.sweepInputs.flatMap((i) => (i.value !== undefined ? ['--value', `${i.name}=${i.value}`] : []));
  }

  /** Seeded agreement inputs: 64, or 16 for models above 10 GMACs (each run takes seconds on 2 cores). */
  samplesFor(): number {
    return (this.model.macsRef ?? 0) > 10e9 ? Math.min(16, this.options.samples) : this.options.samples;
  }
}
