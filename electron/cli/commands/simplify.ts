import path from 'node:path';
import type { SaveResult } from '../../../shared/api/dto.js';
import type { SimplifyReport } from '../../../shared/simplify/simplify-report.js';
import { PASS_NAMES } from '../../../shared/simplify/simplify-passes.js';
import type { Io } from '../command.js';
import { engineClient, jobResult } from '../engine-client.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { UsageError } from '../usage-error.js';
import { checkInputArgs, parseFixedShape } from '../check-input-options.js';

const OPTIONS = {
  output: { kind: 'string', short: 'o', placeholder: 'OUT', help: 'the file to write (required)' },
  shape: { kind: 'string', multiple: true, placeholder: 'NAME=DIMS', help: "fix an input's dims (e.g. input=1x3x224x224); the result declares them" },
  'check-shape': { kind: 'string', multiple: true, placeholder: 'NAME=DIMS', help: "the dims the check runs an input at, leaving the model's own (symbolic) dims" },
  value: { kind: 'string', multiple: true, placeholder: 'NAME=NUMBER', help: 'feed this value to an input in the check instead of random ones (e.g. sr=16000 for a sample rate)' },
  skip: { kind: 'string', multiple: true, choices: PASS_NAMES, placeholder: 'PASS', help: `leave a pass out: ${PASS_NAMES.join(', ')}` },
  force: { kind: 'boolean', help: 'write the result even when the check fails, and overwrite OUT' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'simplify',
  ['MODEL -o OUT [--shape NAME=DIMS]... [--check-shape NAME=DIMS]... [--value NAME=NUMBER]... [--skip PASS]... [--force] [--json]'],
  "Does onnx-simplifier's job: removes Identity/Dropout and dead nodes, collapses exact Cast chains, shares duplicate initializers, folds BatchNormalization into Conv/ConvTranspose/Gemm, simplifies Reshape/Flatten, folds constant subgraphs in ONNX Runtime and, at fixed dims, the shape arithmetic, and stores every value's shape. The result is run in ONNX Runtime against the original on the same random inputs and refused when it differs by more than 1e-4 relative.",
  OPTIONS,
);

function formatReport(output: string, r: SimplifyReport): string {
  const changed = r.passes.filter((p) => p.changed > 0).map((p) => `${p.name} ${p.changed}`);
  return [
    `Wrote ${output}`,
    `  nodes ${r.nodesBefore} -> ${r.nodesAfter}, initializers ${r.initializersBefore} -> ${r.initializersAfter}, bytes ${r.bytesBefore} -> ${r.bytesAfter}`,
    `  passes: ${changed.length > 0 ? changed.join(', ') : 'nothing to change'}`,
    `  checked in ONNX Runtime: largest difference ${r.maxAbsDiff.toPrecision(3)} (${r.relativeDiff.toPrecision(3)} relative); ${r.seconds} s in all, ${r.checkSeconds} s of it the check`,
  ].join('\n');
}

/** `onnx-studio simplify`: the onnx-simplifier step of a deployment chain, checked in ONNX Runtime before it is written. */
export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('simplify', argv, OPTIONS);
  const input = oneModel(positionals, 'simplify');
  if (!options.output) throw new UsageError('simplify needs -o OUT, the file to write', 'simplify');
  const checkInputs = checkInputArgs(options, 'simplify');
  const checkShapes = Object.fromEntries((options['check-shape'] ?? []).map((t) => parseFixedShape(t, 'simplify')));
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: input } });
  const result = await engine.simplifyModel({ docId: info.docId, inputShapes: checkInputs.inputShapes ?? {}, ...(checkInputs.inputValues ? { inputValues: checkInputs.inputValues } : {}), ...(Object.keys(checkShapes).length > 0 ? { checkShapes } : {}), skip: options.skip ?? [], force: options.force === true });
  const output = path.resolve(options.output);
  const { jobId } = await engine.startSaveModel({ docId: result.model.docId, target: { kind: 'path', path: output, overwrite: options.force === true } });
  const saved = (await jobResult(engine, jobId, 'save')) as SaveResult;
  const { inputDims: _dims, rounds: _rounds, ...report } = result.report;
  io.out(options.json ? JSON.stringify({ output: saved.path ?? output, ...report }, null, 2) : formatReport(saved.path ?? output, result.report));
}
