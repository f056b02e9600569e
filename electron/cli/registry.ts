import type { CommandModule } from './command.js';

export interface CommandEntry {
  /** One line for `onnx-studio help`. */
  summary: string;
  /** Loaded only when the command runs, so `--help` and `--version` never start ONNX Runtime. */
  load: () => Promise<CommandModule>;
}

/**
 * Every onnx-studio command. Adding one is one file and one line: write commands/NAME.ts exporting
 * `help` (its --help text, e.g. from formatHelp in parse-options.ts) and
 * `run(argv: string[], io: Io): Promise<number | void>` (see command.ts), then add
 * `NAME: { summary: '...', load: () => import('./commands/NAME.js') },` below. A file that exports
 * its function under another name is adapted in that same line:
 * `load: () => import('./commands/NAME.js').then((m) => ({ help: m.help, run: m.simplify }))`.
 * `help NAME`, `NAME --help`/-h, exit codes (2 for UsageError, 1 for EngineError) and "no stack
 * trace reaches the user" come from main.ts for free; parse-options.ts gives our usage messages.
 */
export const COMMANDS: Record<string, CommandEntry> = {
  inspect: { summary: 'summary of a model: IO, opsets, ops, parameters, validation', load: () => import('./commands/inspect.js') },
  analyze: { summary: 'shapes, MACs, FLOPs, parameters and memory per layer and in total', load: () => import('./commands/analyze.js') },
  profile: { summary: 'latency and per-layer time on an ONNX Runtime backend', load: () => import('./commands/profile.js') },
  quantize: { summary: 'FP16 or INT8 model for a target backend, calibrated on a folder for INT8 static', load: () => import('./commands/quantize.js') },
  compare: { summary: 'accuracy, agreement, cosine, SQNR, error, latency and size against a reference', load: () => import('./commands/compare.js') },
  run: { summary: "replay a recorded recipe and write its output model and a report", load: () => import('./commands/run.js') },
  backends: { summary: 'the execution providers usable on this machine, and why not', load: () => import('./commands/backends.js') },
  edit: { summary: 'set input/output dims and save atomically; no options = re-save unchanged', load: () => import('./commands/edit.js') },
  serve: { summary: 'the app in your browser; prints "Listening on <url>" first', load: () => import('./commands/serve.js') },
  simplify: { summary: "onnx-simplifier's job: constants folded in ONNX Runtime, BatchNorm folded, shapes stored; checked in ONNX Runtime", load: () => import('./commands/simplify.js') },
  convert: { summary: 'rewrite the model for another ai.onnx opset, checked in ONNX Runtime', load: () => import('./commands/convert.js') },
  export: { summary: 'a deployment bundle for TensorRT, Triton or ONNX Runtime, checked in ONNX Runtime', load: () => import('./commands/export.js') },
  diff: { summary: 'what changed between two models: matched, added, removed, changed and quantized nodes', load: () => import('./commands/diff.js') },
  help: { summary: 'this list, or the options of one command', load: () => import('./commands/help.js') },
};
