/**
 * One comparison in a fresh process, so its peak memory is its own: the reference and its variants over
 * a data folder. Prints JSON with the samples, the peak RSS and the time.
 *
 *   node dist/test/bench/compare-child.js DATA_DIR REFERENCE VARIANT...
 */
import { createEngineClient } from '../../shared/api/client.js';
import type { CompareResult } from '../../shared/metrics/compare-types.js';
import { Engine } from '../../electron/engine/engine.js';
import { inProcessTransport } from '../../electron/engine/in-process-transport.js';

const [dataDir, ...files] = process.argv.slice(2) as [string, ...string[]];
const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
const docs = [];
for (const f of files) docs.push(await client.openModel({ source: { kind: 'path', path: f } }));
const data = await client.openDataset({ source: { kind: 'path', path: dataDir } });
const t = performance.now();
const { jobId } = await client.startCompare({ referenceDocId: docs[0]!.docId, variantDocIds: docs.slice(1).map((d) => d.docId), datasetId: data.datasetId, latencyRuns: 10 });
const job = await client.waitForJob(jobId);
if (job.status !== 'succeeded') throw new Error(job.error?.message);
const r = job.result as CompareResult;
console.log(JSON.stringify({ samples: r.samples, models: r.models.length, peakRssMiB: process.resourceUsage().maxRSS / 1024, seconds: (performance.now() - t) / 1000, agreement: r.models.map((m) => m.agreementTop1) }));
