import { parseArgs } from 'node:util';
import path from 'node:path';
import { EngineError, firstLine } from '../../shared/api/errors.js';
import { createEngineClient } from '../../shared/api/client.js';
import type { SaveResult } from '../../shared/api/dto.js';
import type { SimplifyReport } from '../../shared/simplify/simplify-report.js';
import { Engine } from '../engine/engine.js';
import { inProcessTransport } from '../engine/in-process-transport.js';
import { PASS_NAMES } from '../../shared/simplify/simplify-passes.js';
import { UsageError } from './usage-error.js';

/** `onnx-studio help simplify` / `simplify --help`. */
export const help = `Usage: onnx-studio simplify MODEL -o OUT [--shape NAME=DIMS]... [--skip PASS]... [--force] [--json]

Does onnx-simplifier's job: removes Identity/Dropout and dead nodes, collapses exact Cast chains,
shares duplicate initializers, folds BatchNormalization into Conv/ConvTranspose/Gemm, simplifies
Reshape/Flatten, folds constant subgraphs in ONNX Runtime and, at fixed dims, the shape arithmetic
(Shape -> Gather -> Concat -> Reshape), and stores every value's shape in value_info. The result is
run in ONNX Runtime against the original on the same random inputs and refused when it differs by
more than 1e-4 relative.

  --shape NAME=DIMS   fix an input's dims (e.g. input=1x3x224x224); the result declares them
  --skip PASS         leave a pass out: ${PASS_NAMES.join(', ')}
  --force             write the result even when the check fails, and overwrite OUT
  --json              nodesBefore, nodesAfter, initializersBefore, initializersAfter, bytesBefore,
                      bytesAfter, maxAbsDiff, relativeDiff, passes[{name, changed}], seconds`;

/** '--shape input=1x3x224x224': simplify folds shapes for fixed dims, so every dim must be a number. */
function parseFixedShape(text: string): [string, number[]] {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`--shape takes NAME=DIMS such as input=1x3x224x224, not '${text}'`);
  const parts = text.slice(at + 1).split(/[x,×]/);
  if (!parts.every((d) => /^[1-9]\d{0,9}$/.test(d))) throw new UsageError(`--shape ${text}: each dimension must be a whole number of at least 1`);
  return [text.slice(0, at), parts.map(Number)];
}


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
export async function simplifyCommand(argv: string[], io: { out(t: string): void; err(t: string): void }): Promise<number | void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(help);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        shape: { type: 'string', multiple: true },
        skip: { type: 'string', multiple: true },
        force: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`simplify: ${firstLine((e as Error).message)}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`simplify takes exactly one MODEL path (got ${positionals.length})`);
  if (!values.output) throw new UsageError('simplify needs -o OUT, the file to write');
  const inputShapes = Object.fromEntries((values.shape ?? []).map(parseFixedShape));
  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const info = await engine.openModel({ source: { kind: 'path', path: positionals[0]! } });
  const result = await engine.simplifyModel({ docId: info.docId, inputShapes, skip: values.skip ?? [], force: values.force === true });
  const output = path.resolve(values.output);
  const job = await engine.waitForJob((await engine.startSaveModel({ docId: result.model.docId, target: { kind: 'path', path: output, overwrite: values.force === true } })).jobId);
  if (job.status !== 'succeeded') throw new EngineError('IO_ERROR', job.error?.message ?? 'The simplified model could not be written.');
  const saved = job.result as SaveResult;
  const { inputDims: _dims, rounds: _rounds, ...report } = result.report;
  io.out(values.json ? JSON.stringify({ output: saved.path ?? output, ...report }, null, 2) : formatReport(saved.path ?? output, result.report));
}
