import type { SaveResult } from '../../../shared/api/dto.js';
import { EngineError } from '../../../shared/api/errors.js';
import { MAX_OPSET, MIN_OPSET } from '../../../shared/convert/opset-converter.js';
import type { Io } from '../command.js';
import { engineClient, jobResult } from '../engine-client.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { UsageError } from '../usage-error.js';
import { checkInputArgs } from '../check-input-options.js';

const OPTIONS = {
  output: { kind: 'string', short: 'o', placeholder: 'OUT', help: 'the file to write (required)' },
  opset: { kind: 'integer', min: MIN_OPSET, max: MAX_OPSET, placeholder: 'N', help: `the ai.onnx opset to convert to (${MIN_OPSET} to ${MAX_OPSET}, required)` },
  shape: { kind: 'string', multiple: true, placeholder: 'NAME=DIMS', help: "the dims the check runs an input at (e.g. input=1x16000); the result keeps the model's own" },
  value: { kind: 'string', multiple: true, placeholder: 'NAME=NUMBER', help: 'feed this value to an input in the check instead of random ones (e.g. sr=16000 for a sample rate)' },
  force: { kind: 'boolean', help: 'write the result even if ONNX Runtime finds it differs, and overwrite OUT' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'convert',
  ['MODEL -o OUT --opset N [--shape NAME=DIMS]... [--value NAME=NUMBER]... [--force] [--json]'],
  `Rewrites the model for another ai.onnx opset (${MIN_OPSET} to ${MAX_OPSET}), node by node, refusing in one sentence a node with no equivalent at the target. The result is run in ONNX Runtime against the original on seeded random inputs and refused above 1e-4 relative difference unless --force.`,
  OPTIONS,
);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('convert', argv, OPTIONS);
  const input = oneModel(positionals, 'convert');
  if (!options.output) throw new UsageError('convert needs -o OUT, the file to write', 'convert');
  if (options.opset === undefined) throw new UsageError('convert needs --opset N, the ai.onnx opset to convert to', 'convert');
  const checkInputs = checkInputArgs(options, 'convert');
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: input } });
  let report;
  try {
    report = await engine.convertOpset({ docId: info.docId, opset: options.opset, ...checkInputs, force: options.force === true });
  } catch (e) {
    if (e instanceof EngineError && e.details?.check === 'outputs') throw new EngineError(e.code, `${e.message} Pass --force to write it anyway.`);
    throw e;
  }
  // --force also lets the output replace an existing file, as for edit and quantize.
  const { jobId } = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: options.output, overwrite: options.force === true } });
  const saved = (await jobResult(engine, jobId, 'save')) as SaveResult;
  if (options.json) {
    io.out(JSON.stringify({ output: saved.path, opsetBefore: report.opsetBefore, opsetAfter: report.opsetAfter, converted: report.converted, maxAbsDiff: report.maxAbsDiff, notes: report.notes }, null, 2));
    return;
  }
  const rewritten = report.converted.length === 0 ? 'no node needed rewriting' : `rewrote ${report.converted.map((c) => `${c.count} ${c.opType}`).join(', ')}`;
  io.out([`Converted opset ${report.opsetBefore} -> ${report.opsetAfter}: ${rewritten}.`, ...report.notes, `Wrote ${saved.path} (${saved.bytesWritten} bytes)`].join('\n'));
}
