import type { SaveResult } from '../../../shared/api/dto.js';
import { engineClient, jobResult } from '../engine-client.js';
import type { Io } from '../command.js';
import { oneModel } from '../one-model.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  output: { kind: 'string', short: 'o', placeholder: 'OUT', help: 'the file to write (required)' },
  'set-dim': { kind: 'string', multiple: true, placeholder: 'NAME:AXIS=VALUE', help: 'set a dim of an input or output to a number or a symbol, e.g. input:0=batch' },
  force: { kind: 'boolean', help: 'overwrite OUT if it exists' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'edit',
  ['MODEL -o OUT [--set-dim NAME:AXIS=VALUE]... [--force] [--json]'],
  'Sets input/output dims and saves atomically. Constants that fixed the old size (Reshape shapes) are rewritten or the edit is refused, naming them. With no edits the model is re-saved unchanged.',
  OPTIONS,
);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('edit', argv, OPTIONS);
  const input = oneModel(positionals, 'edit');
  if (!options.output) throw new UsageError('edit needs -o OUT, the file to write', 'edit');
  const dims = (options['set-dim'] ?? []).map((spec) => {
    const m = /^(.+):(\d+)=([A-Za-z_]\w*|\d+)$/.exec(spec);
    if (!m) throw new UsageError(`--set-dim takes NAME:AXIS=VALUE such as input:0=batch or input:0=4, not '${spec}'`, 'edit');
    return { tensor: m[1]!, axis: Number(m[2]), value: /^\d+$/.test(m[3]!) ? Number(m[3]) : m[3]! };
  });
  const engine = await engineClient();
  const info = await engine.openModel({ source: { kind: 'path', path: input } });
  const notes: string[] = [];
  for (const d of dims) notes.push(...(await engine.applyEdit({ docId: info.docId, command: 'setDim', params: d })).notes);
  const { jobId } = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: options.output, overwrite: options.force === true } });
  const result = (await jobResult(engine, jobId, 'save')) as SaveResult;
  if (options.json) io.out(JSON.stringify({ output: result.path, bytesWritten: result.bytesWritten, externalDataFile: result.externalDataFile ?? null, notes }, null, 2));
  else io.out([`Wrote ${result.path} (${result.bytesWritten} bytes)${result.externalDataFile ? ` and ${result.externalDataFile}` : ''}`, ...notes].join('\n'));
}
