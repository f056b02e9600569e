// Sweeps one model through every column. Run as a child process by main.ts (so that a crash in a native
// library costs one row, not the sweep), or called directly by the test subset.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { analyzeStep } from './analyze-step.js';
import { batchStep } from './batch-step.js';
import { convertStep } from './convert-step.js';
import { fail, notApplicable, timedOut, type Cell } from './cell.js';
import type { CorpusModel } from './corpus-manifest.js';
import { inspectStep } from './inspect-step.js';
import { COLUMNS, type Column, type ModelResult } from './model-result.js';
import { profileStep } from './profile-step.js';
import { QUANT_MODES, quantizeSteps } from './quantize-step.js';
import { simplifyStep } from './simplify-step.js';
import { SweepContext, type SweepOptions } from './sweep-context.js';
import { viewerStep } from './viewer-step.js';

async function guarded(ctx: SweepContext, what: string, step: () => Promise<Cell>): Promise<Cell> {
  if (ctx.secondsLeft() <= 0) return timedOut(`not run: the model time limit (${ctx.options.modelLimitSeconds} s) was spent before ${what}`);
  try {
    return await step();
  } catch (e) {
    return fail(`sweep could not run ${what}: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`);
  }
}

/** Sweeps every column, or only `columns` (the test subset skips what another of its models covers). */
export async function sweepModel(
  model: CorpusModel,
  modelPath: string,
  workDir: string,
  options: SweepOptions,
  key: string,
  columns: readonly Column[] = COLUMNS,
  progressFile?: string,
): Promise<ModelResult> {
  const started = performance.now();
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const ctx = new SweepContext(model, modelPath, workDir, options);
  const cells = {} as Record<Column, Cell>;
  const skipped = notApplicable('not run in this sweep');
  // What is done and what runs now, so that a crash of a native library costs only the column it hit.
  const want = (c: Column) => {
    if (progressFile && columns.includes(c)) writeAtomically(progressFile, JSON.stringify({ running: c, cells }));
    return columns.includes(c);
  };
  // Cheap columns first, so a model that runs out of time still has them.
  cells.inspect = want('inspect') ? await guarded(ctx, 'inspect', () => inspectStep(ctx)) : skipped;
  cells.analyze = want('analyze') ? await guarded(ctx, 'analyze', () => analyzeStep(ctx)) : skipped;
  cells.profile = want('profile') ? await guarded(ctx, 'profile', () => profileStep(ctx)) : skipped;
  cells.viewer = want('viewer') ? await guarded(ctx, 'the viewer', () => viewerStep(ctx)) : skipped;
  if (want('fp16') || want('int8-dynamic') || want('int8-static')) {
    const quant = await guarded(ctx, 'quantization', async () => {
      Object.assign(cells, await quantizeSteps(ctx, QUANT_MODES.filter((m) => columns.includes(m))));
      // Stands in only for a mode the quantization pass left without a verdict.
      return fail('the sweep reached no verdict for this mode');
    });
    for (const mode of QUANT_MODES) cells[mode] ??= want(mode) ? quant : skipped;
  } else for (const mode of QUANT_MODES) cells[mode] = skipped;
  cells.batch = want('batch') ? await guarded(ctx, 'the dynamic-batch edit', () => batchStep(ctx)) : skipped;
  cells.simplify = want('simplify') ? await guarded(ctx, 'simplify', () => simplifyStep(ctx)) : skipped;
  cells.convert = want('convert') ? await guarded(ctx, 'the opset conversion', () => convertStep(ctx)) : skipped;
  rmSync(workDir, { recursive: true, force: true });
  const ordered = Object.fromEntries(COLUMNS.map((c) => [c, cells[c]])) as Record<Column, Cell>;
  return { name: model.name, key, limitSeconds: options.modelLimitSeconds, seconds: (performance.now() - started) / 1000, cells: ordered };
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

// Child-process entry: sweep-model.ts REQUEST.json RESULT.json
if (process.argv[1]?.endsWith('sweep-model.ts') && process.argv.length === 4) {
  const { readFileSync } = await import('node:fs');
  const request = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { model: CorpusModel; modelPath: string; workDir: string; options: SweepOptions; key: string; progressFile: string; columns: Column[] };
  const result = await sweepModel(request.model, request.modelPath, request.workDir, request.options, request.key, request.columns, request.progressFile);
  writeAtomically(process.argv[3]!, JSON.stringify(result, null, 2));
  process.exit(0);
}
