import path from 'node:path';
import type { CompareResult, LayerErrorResult } from '../../../shared/metrics/compare-types.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { engineClient, jobResult } from '../engine-client.js';
import { formatCompare } from '../format.js';
import type { Io } from '../command.js';
import { formatHelp, parseOptions, type OptionTable } from '../parse-options.js';
import { readPreprocess } from '../preprocess-file.js';
import { UsageError } from '../usage-error.js';

const OPTIONS = {
  data: { kind: 'string', placeholder: 'DIR', help: 'inputs: images or .npy files, one sub-folder per class for accuracy (required)' },
  preprocess: { kind: 'string', placeholder: 'FILE', help: 'how an image becomes a tensor, JSON (proposed from the model if absent)' },
  backend: { kind: 'string', placeholder: 'ID', help: "execution provider (see 'onnx-studio backends'); default cpu" },
  layers: { kind: 'boolean', help: 'also rank the layers of each model by SQNR against the reference' },
} as const satisfies OptionTable;

export const help = formatHelp(
  'compare',
  ['REFERENCE OTHER... --data DIR [--preprocess FILE] [--backend ID] [--layers] [--json]'],
  'Runs every model on the same inputs and reports, for each against the reference: top-1/top-5 accuracy (when DIR has class sub-folders), top-1 agreement, cosine, SQNR, max error, latency and size.',
  OPTIONS,
);

export async function run(argv: string[], io: Io): Promise<void> {
  const { options, positionals } = parseOptions('compare', argv, OPTIONS);
  if (positionals.length < 2) throw new UsageError(`compare takes a REFERENCE model and at least one OTHER (got ${positionals.length} model${positionals.length === 1 ? '' : 's'})`, 'compare');
  if (!options.data) throw new UsageError('compare needs --data DIR, a folder of inputs (one sub-folder per class for accuracy)', 'compare');
  const engine = await engineClient();
  const docs = [];
  for (const file of positionals) docs.push(await engine.openModel({ source: { kind: 'path', path: file } }));
  const dataset = await engine.openDataset({ source: { kind: 'path', path: options.data } });
  const spec = options.preprocess ? ((await readPreprocess(options.preprocess)) as PreprocessSpec) : undefined;
  const { jobId } = await engine.startCompare({
    referenceDocId: docs[0]!.docId,
    variantDocIds: docs.slice(1).map((d) => d.docId),
    datasetId: dataset.datasetId,
    ...(spec ? { spec } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
  });
  const result = (await jobResult(engine, jobId, 'comparison')) as CompareResult;
  const layers: (LayerErrorResult | undefined)[] = [undefined];
  if (options.layers) {
    for (const d of docs.slice(1)) {
      const started = await engine.startLayerErrors({ referenceDocId: docs[0]!.docId, variantDocId: d.docId, datasetId: dataset.datasetId, ...(spec ? { spec } : {}) });
      layers.push((await jobResult(engine, started.jobId, 'per-layer comparison')) as LayerErrorResult);
    }
  }
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          reference: positionals[0],
          dataset: options.data,
          samples: result.samples,
          skipped: result.skipped,
          backend: result.backend,
          models: result.models.map((m, i) => {
            const { label: _label, docId: _doc, outputs, ...rest } = m;
            return { ...rest, path: path.resolve(positionals[i]!), outputs, ...(layers[i] ? { layers: layers[i]!.layers } : {}) };
          }),
          disagreements: result.disagreements.length + result.moreDisagreements,
        },
        null,
        2,
      ),
    );
    return;
  }
  io.out(formatCompare(result, layers));
}
