import type { QuantizeResult } from '../../../shared/api/dto.js';
import { EngineError, isErrorCode } from '../../../shared/api/errors.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { engineClient } from '../engine-client.js';
import { formatQuantize } from '../format.js';
import type { Io } from '../command.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { readPreprocess } from '../preprocess-file.js';
import { UsageError } from '../usage-error.js';

const MODES = ['fp16', 'int8-dynamic', 'int8-static'] as const;
const METHODS = ['minmax', 'percentile', 'entropy'] as const;

const OPTIONS = {
  output: { kind: 'string', short: 'o', placeholder: 'OUT', help: 'the file to write (required)' },
  mode: { kind: 'string', choices: MODES, help: 'what to make (required)' },
  backend: { kind: 'string', placeholder: 'ID', help: 'INT8 preset of the target: ort-cpu (default), ort-cuda, tensorrt, coreml, directml' },
  calib: { kind: 'string', placeholder: 'DIR', help: 'calibration images or .npy tensors (int8-static)' },
  preprocess: { kind: 'string', placeholder: 'FILE', help: 'how an image becomes a tensor, JSON (int8-static; proposed from the model if absent)' },
  method: { kind: 'string', choices: METHODS, help: "calibration method (default: the preset's)" },
  limit: { kind: 'integer', min: 1, max: 10_000_000, placeholder: 'N', help: 'calibrate on the first N samples only' },
  // The presets set these three; each can be turned on or off against the preset.
  'per-channel': { kind: 'boolean', negatable: true, help: 'one weight scale per output channel (all presets turn it on)' },
  'symmetric-activations': { kind: 'boolean', negatable: true, help: 'activation zero point 0 (on in the GPU and Core ML presets)' },
  'reduce-range': { kind: 'boolean', negatable: true, help: '7-bit weights against 16-bit saturation (on in the ort-cpu preset)' },
  exclude: { kind: 'string', multiple: true, placeholder: 'NODE', help: 'leave this node in float' },
  'exclude-op': { kind: 'string', multiple: true, placeholder: 'OPTYPE', help: 'leave every node of this op type in float' },
  'float16-io': { kind: 'boolean', help: 'fp16: make inputs and outputs float16 too (default keeps float32 with Casts)' },
  'max-drop': { kind: 'number', min: 0, max: 100, placeholder: 'POINTS', help: 'int8-static: leave the worst layers in float until top-1 drops at most this much; exit 3 when no model meets it (the best one is written)' },
  eval: { kind: 'string', placeholder: 'DIR', help: 'labelled folder (one sub-folder per class) for --max-drop' },
  'accept-error': { kind: 'boolean', help: 'write the result even when it follows the original less closely than the mode needs (cosine/SQNR on seeded inputs)' },
  force: { kind: 'boolean', help: 'overwrite OUT if it exists' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'quantize',
  [
    'MODEL -o OUT --mode fp16|int8-dynamic|int8-static [--calib DIR] [--preprocess FILE]',
    '[--method minmax|percentile|entropy] [--[no-]per-channel] [--backend ID] [--exclude NODE]...',
    '[--exclude-op OPTYPE]... [--limit N] [--float16-io] [--max-drop POINTS --eval DIR] [--force] [--json]',
  ],
  'Writes an FP16 or INT8 model laid out for a target backend; INT8 static calibrates on the folder given with --calib. The result is checked in ONNX Runtime before it is written.',
  OPTIONS,
);

export async function run(argv: string[], io: Io): Promise<number | void> {
  const { options, positionals } = parseOptions('quantize', argv, OPTIONS);
  const input = oneModel(positionals, 'quantize');
  if (!options.output) throw new UsageError('quantize needs -o OUT, the file to write', 'quantize');
  const mode = options.mode as (typeof MODES)[number] | undefined;
  if (!mode) throw new UsageError(`quantize needs --mode ${MODES.join('|')}`, 'quantize');
  const method = options.method as (typeof METHODS)[number] | undefined;
  if (mode === 'int8-static' && !options.calib) throw new UsageError('--mode int8-static needs --calib DIR, a folder of calibration images or tensors', 'quantize');
  if (mode !== 'int8-static' && (options.calib || options.preprocess || method)) throw new UsageError(`--calib, --preprocess and --method apply to int8-static only, not ${mode}`, 'quantize');
  const layout = (['per-channel', 'symmetric-activations', 'reduce-range'] as const).filter((f) => options[f] !== undefined);
  if (mode === 'fp16' && layout.length > 0) throw new UsageError(`--${layout[0]} sets the INT8 layout and does not apply to --mode fp16`, 'quantize');
  if (options['float16-io'] && mode !== 'fp16') throw new UsageError('--float16-io applies to --mode fp16 only', 'quantize');
  const maxDrop = options['max-drop'];
  if ((maxDrop !== undefined) !== (options.eval !== undefined)) throw new UsageError('--max-drop and --eval DIR go together: the drop is measured on the labelled folder DIR', 'quantize');
  if (maxDrop !== undefined && mode !== 'int8-static') throw new UsageError('--max-drop applies to --mode int8-static only', 'quantize');
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: input } });
  const dataset = options.calib ? await engine.openDataset({ source: { kind: 'path', path: options.calib } }) : undefined;
  const spec = options.preprocess ? await readPreprocess(options.preprocess) : undefined;
  const evalData = options.eval ? await engine.openDataset({ source: { kind: 'path', path: options.eval } }) : undefined;
  const started = performance.now();
  const { jobId } = await engine.startQuantize({
    docId: info.docId,
    mode,
    ...(options.backend ? { backend: options.backend } : {}),
    ...(method ? { method } : {}),
    ...(options['per-channel'] !== undefined ? { perChannel: options['per-channel'] } : {}),
    ...(options['symmetric-activations'] !== undefined ? { symmetricActivations: options['symmetric-activations'] } : {}),
    ...(options['reduce-range'] !== undefined ? { reduceRange: options['reduce-range'] } : {}),
    ...(options.exclude ? { excludeNodes: options.exclude } : {}),
    ...(options['exclude-op'] ? { excludeOpTypes: options['exclude-op'] } : {}),
    ...(dataset ? { datasetId: dataset.datasetId } : {}),
    ...(spec !== undefined ? { spec: spec as PreprocessSpec } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
    ...(options['float16-io'] ? { keepIOTypes: false } : {}),
    ...(options['accept-error'] ? { acceptError: true } : {}),
    ...(evalData && maxDrop !== undefined ? { accuracy: { evalDatasetId: evalData.datasetId, maxDropPoints: maxDrop } } : {}),
    output: { path: options.output, overwrite: options.force === true },
  });
  const showProgress = !options.json && process.stderr.isTTY;
  const job = await engine.waitForJob(jobId, (p) => {
    if (showProgress && p.total > 0) process.stderr.write(`\r${p.phase} ${p.done}/${p.total}${p.etaSeconds !== undefined ? `, ${p.etaSeconds} s left` : ''}   `);
  });
  if (showProgress) process.stderr.write('\n');
  if (job.status !== 'succeeded') {
    const refusal = new EngineError(isErrorCode(job.error?.code) ? job.error.code : 'IO_ERROR', job.error?.message ?? 'The quantization did not finish.');
    // Scripts reading --json get an answer on stdout too; the sentence still goes to stderr, exit 1.
    if (options.json) io.out(JSON.stringify({ mode, output: null, error: { code: refusal.code, message: refusal.message } }, null, 2));
    throw refusal;
  }
  const r = job.result as QuantizeResult;
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          mode: r.mode,
          output: r.output,
          quantizedNodes: r.quantizedNodes,
          excludedNodes: r.excludedNodes,
          calibrationSamples: r.calibrationSamples,
          skippedSamples: r.skippedSamples,
          seconds,
          sizeBefore: r.sizeBefore,
          sizeAfter: r.sizeAfter,
          warnings: r.warnings,
          ...(r.agreement ? { agreement: r.agreement } : {}),
          ...(r.accuracy ? { accuracy: r.accuracy } : {}),
        },
        null,
        2,
      ),
    );
  } else io.out(formatQuantize(r, seconds));
  // The best model found is written either way; exit 3 tells scripts the target was missed, as recipes do.
  if (r.accuracy && !r.accuracy.met) {
    io.err(`onnx-studio: the accuracy target was not met: the best model written loses ${r.accuracy.steps[r.accuracy.chosenStep]!.dropPoints.toFixed(2)} points of top-1, more than --max-drop ${r.accuracy.maxDropPoints}.`);
    return 3;
  }
}
