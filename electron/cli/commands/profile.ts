import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProfileResult } from '../../../shared/profile/profile-types.js';
import { chromeTrace } from '../../../shared/profile/profile-export.js';
import { engineClient, jobResult } from '../engine-client.js';
import { formatProfile } from '../format.js';
import type { Io } from '../command.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { parseShape, SHAPE_OPTION } from '../shape-option.js';
import { UsageError } from '../usage-error.js';

const LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

const OPTIONS = {
  backend: { kind: 'string', placeholder: 'ID', help: "execution provider (see 'onnx-studio backends'); default cpu" },
  runs: { kind: 'integer', min: 1, max: 10_000, help: 'timed runs' },
  warmup: { kind: 'integer', min: 0, max: 1_000, help: 'untimed runs first' },
  threads: { kind: 'integer', min: 1, max: 256, help: 'intra-op threads' },
  optimization: { kind: 'string', choices: LEVELS, placeholder: 'LEVEL', help: `graph optimization level: ${LEVELS.join(', ')}` },
  shape: SHAPE_OPTION,
  input: { kind: 'string', multiple: true, placeholder: 'NAME=FILE.npy', help: 'feed this tensor instead of random data' },
  trace: { kind: 'string', placeholder: 'OUT.json', help: 'also write a Chrome trace (chrome://tracing, Perfetto)' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'profile',
  ['MODEL [--backend ID] [--runs N] [--warmup N] [--threads N] [--optimization LEVEL]', '[--shape NAME=DIMS]... [--input NAME=FILE.npy]... [--trace OUT.json] [--json]'],
  'Latency (mean, p50, p90, p99) and per-layer time on an ONNX Runtime backend.',
  OPTIONS,
);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('profile', argv, OPTIONS);
  const shapes = Object.fromEntries((options.shape ?? []).map((s) => parseShape(s, 'profile')));
  for (const [name, dims] of Object.entries(shapes)) {
    if (dims.some((d) => typeof d !== 'number' || d < 1)) throw new UsageError(`--shape ${name}: profiling needs numbers for every dimension`, 'profile');
  }
  const inputFiles = Object.fromEntries(
    (options.input ?? []).map((spec) => {
      const at = spec.indexOf('=');
      if (at <= 0) throw new UsageError(`--input takes NAME=FILE.npy, not '${spec}'`, 'profile');
      return [spec.slice(0, at), path.resolve(spec.slice(at + 1))];
    }),
  );
  const { runs, warmup, threads } = options;
  const optimization = options.optimization as (typeof LEVELS)[number] | undefined;
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: oneModel(positionals, 'profile') } });
  const { jobId } = await engine.startProfile({
    docId: info.docId,
    ...(options.backend ? { backend: options.backend } : {}),
    ...(runs !== undefined ? { runs } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(optimization ? { optimization } : {}),
    inputShapes: shapes as Record<string, number[]>,
    ...(Object.keys(inputFiles).length > 0 ? { inputFiles } : {}),
  });
  const { trace, ...result } = (await jobResult(engine, jobId, 'profile')) as ProfileResult;
  if (options.trace) await writeFile(path.resolve(options.trace), chromeTrace(trace));
  io.out(options.json ? JSON.stringify(result, null, 2) : formatProfile(info.fileName, { ...result, trace }));
}
