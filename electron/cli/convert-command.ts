import { parseArgs } from 'node:util';
import { createEngineClient } from '../../shared/api/client.js';
import type { SaveResult } from '../../shared/api/dto.js';
import { EngineError, firstLine } from '../../shared/api/errors.js';
import { MAX_OPSET, MIN_OPSET } from '../../shared/convert/opset-converter.js';
import { Engine } from '../engine/engine.js';
import { inProcessTransport } from '../engine/in-process-transport.js';
import { UsageError } from './usage-error.js';

export const CONVERT_HELP = `  convert MODEL -o OUT --opset N [--force] [--json]
                                         rewrite the model for another ai.onnx opset (${MIN_OPSET} to ${MAX_OPSET}), node by node;
                                         checked in ONNX Runtime on random inputs and refused above 1e-4
                                         relative difference unless --force`;

/** onnx-studio convert MODEL -o OUT --opset N [--force] [--json] */
export async function convertCommand(argv: string[], io: { out(t: string): void; err(t: string): void }): Promise<number | void> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { output: { type: 'string', short: 'o' }, opset: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    throw new UsageError(`convert: ${firstLine((e as Error).message)}`);
  }
  if (positionals.length !== 1) throw new UsageError(`convert takes exactly one MODEL path (got ${positionals.length})`);
  if (!values.output) throw new UsageError('convert needs -o OUT, the file to write');
  if (values.opset === undefined) throw new UsageError('convert needs --opset N, the ai.onnx opset to convert to');
  const opset = Number(values.opset);
  if (!/^\d+$/.test(String(values.opset)) || opset < MIN_OPSET || opset > MAX_OPSET) throw new UsageError(`--opset must be a whole number from ${MIN_OPSET} to ${MAX_OPSET}, not '${String(values.opset)}'`);

  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const info = await engine.openModel({ source: { kind: 'path', path: positionals[0]! } });
  let report;
  try {
    report = await engine.convertOpset({ docId: info.docId, opset, force: values.force === true });
  } catch (e) {
    if (e instanceof EngineError && e.details?.check === 'outputs') throw new EngineError(e.code, `${e.message} Pass --force to write it anyway.`);
    throw e;
  }
  // --force also lets the output replace an existing file, as for edit and quantize.
  const { jobId } = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: values.output as string, overwrite: values.force === true } });
  const job = await engine.waitForJob(jobId);
  if (job.status !== 'succeeded') throw new EngineError('IO_ERROR', job.error?.message ?? 'The save did not finish.');
  const saved = job.result as SaveResult;
  if (values.json) {
    io.out(JSON.stringify({ output: saved.path, opsetBefore: report.opsetBefore, opsetAfter: report.opsetAfter, converted: report.converted, maxAbsDiff: report.maxAbsDiff, notes: report.notes }, null, 2));
    return;
  }
  const rewritten = report.converted.length === 0 ? 'no node needed rewriting' : `rewrote ${report.converted.map((c) => `${c.count} ${c.opType}`).join(', ')}`;
  io.out([`Converted opset ${report.opsetBefore} -> ${report.opsetAfter}: ${rewritten}.`, ...report.notes, `Wrote ${saved.path} (${saved.bytesWritten} bytes)`].join('\n'));
}
