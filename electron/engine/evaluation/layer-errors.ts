import * as ort from 'onnxruntime-node';
import { EngineError } from '../../../shared/api/errors.js';
import { buildGraphIndex } from '../../../shared/graph/graph-index.js';
import type { LayerError, LayerErrorResult } from '../../../shared/metrics/compare-types.js';
import { OutputErrorAccumulator } from '../../../shared/metrics/output-metrics.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { nodeLabel } from '../../../shared/quantize/graph-names.js';
import { feedsFor, modelInputs, readSample, SampleError, type Dataset } from '../datasets/dataset.js';
import type { JobContext } from '../jobs.js';
import { QUIET } from '../profiling/backends.js';
import { floatValues } from './compare-run.js';

const MAX_TENSORS = 2000;

/**
 * Pairs of (reference tensor, variant tensor) to compare. In a QDQ model, each quantized tensor against
 * its dequantized copy (what the next layer reads); otherwise, tensors both models produce by name.
 */
function matchedTensors(reference: ModelProto, variant: ModelProto): [string, string][] {
  const ref = buildGraphIndex(reference.graph!);
  const varIndex = buildGraphIndex(variant.graph!);
  const known = (name: string) => ref.producers.has(name) || ref.inputs.has(name);
  const pairs: [string, string][] = [];
  for (const q of varIndex.nodes) {
    if (q.opType !== 'QuantizeLinear') continue;
    const t = q.input?.[0];
    const qOut = q.output?.[0];
    if (!t || !qOut || !known(t)) continue;
    const dq = (varIndex.consumers.get(qOut) ?? []).map((i) => varIndex.nodes[i]!).find((n) => n.opType === 'DequantizeLinear');
    if (dq?.output?.[0]) pairs.push([t, dq.output[0]]);
  }
  if (pairs.length > 0) return pairs.slice(0, MAX_TENSORS);
  const refOutputs = new Set(ref.nodes.flatMap((n) => n.output ?? []));
  const graphOutputs = new Set(varIndex.outputs.keys());
  for (const n of varIndex.nodes) {
    if (n.opType === 'Cast' || n.opType === 'Constant') continue;
    for (const o of n.output ?? []) if (o && refOutputs.has(o) && !graphOutputs.has(o)) pairs.push([o, o]);
  }
  return pairs.slice(0, MAX_TENSORS);
}

function withOutputs(model: ModelProto, names: readonly string[]): ModelProto {
  const graph = model.graph!;
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const extra = [...new Set(names)].filter((n) => !existing.has(n)).map((name) => ({ name }));
  return { ...model, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
}

/**
 * Per-layer error of a variant: both models run on the first `limit` samples with the matched tensors
 * exposed; SQNR and cosine per tensor, worst first. Each is tied to the reference node producing it.
 */
export async function layerErrors(reference: ModelProto, variant: ModelProto, dataset: Dataset, spec: PreprocessSpec | undefined, ctx: JobContext, limit: number): Promise<LayerErrorResult> {
  const pairs = matchedTensors(reference, variant);
  if (pairs.length === 0) throw new EngineError('BAD_ARGUMENT', 'The two models share no intermediate tensors to compare; per-layer error needs a variant made from the reference.');
  const ref = buildGraphIndex(reference.graph!);
  const refInputs = modelInputs(reference);
  const varInputs = modelInputs(variant);
  const create = async (m: ModelProto, names: string[]) => {
    try {
      return await ort.InferenceSession.create(encodeModel(withOutputs(m, names)), { graphOptimizationLevel: 'basic', ...QUIET });
    } catch (e) {
      throw new EngineError('RUNTIME_ERROR', `ONNX Runtime cannot run the model with its layers exposed: ${e instanceof Error ? e.message : String(e)}.`);
    }
  };
  // In a QDQ variant the tensor before quantization exists too: its distance to the dequantized copy is the local error.
  const variantIndex = buildGraphIndex(variant.graph!);
  const local = pairs.map(([t, v]) => t !== v && (variantIndex.producers.has(t) || variantIndex.inputs.has(t)));
  const refSession = await create(reference, pairs.map((p) => p[0]));
  const varFetches = [...new Set([...pairs.map((p) => p[1]), ...pairs.filter((_, i) => local[i]).map((p) => p[0])])];
  const varSession = await create(variant, varFetches);
  const acc = pairs.map(() => new OutputErrorAccumulator());
  const localAcc = pairs.map(() => new OutputErrorAccumulator());
  let used = 0;
  try {
    const samples = dataset.samples(refInputs).slice(0, limit);
    for (const [k, sample] of samples.entries()) {
      ctx.checkCancelled();
      let values;
      try {
        values = await readSample(sample, refInputs, spec);
      } catch (e) {
        if (e instanceof SampleError) continue;
        throw e;
      }
      const [r, v] = await Promise.all([
        refSession.run(feedsFor(sample, values, refInputs), [...new Set(pairs.map((p) => p[0]))]),
        varSession.run(feedsFor(sample, values, varInputs), varFetches),
      ]);
      pairs.forEach(([a, b], i) => {
        const dequantized = floatValues(v[b] as ort.Tensor);
        acc[i]!.add(floatValues(r[a] as ort.Tensor), dequantized);
        if (local[i]) localAcc[i]!.add(floatValues(v[a] as ort.Tensor), dequantized);
      });
      used++;
      ctx.progress(k + 1, samples.length, 'comparing layers');
    }
  } finally {
    await Promise.all([refSession.release(), varSession.release()]);
  }
  if (used === 0) throw new EngineError('BAD_ARGUMENT', `None of the files in '${dataset.name}' could be used to compare layers.`);
  const layers: LayerError[] = pairs.map(([tensor], i) => {
    const producer = ref.producers.get(tensor)?.[0];
    const node = producer !== undefined ? ref.nodes[producer] : undefined;
    const sqnr = acc[i]!.sqnrDb;
    const localSqnr = localAcc[i]!.sqnrDb;
    return {
      tensor,
      ...(node ? { nodeIndex: producer, nodeName: nodeLabel(node, producer!), opType: node.opType ?? '' } : {}),
      sqnrDb: Number.isFinite(sqnr) ? sqnr : null,
      cosine: acc[i]!.cosine,
      ...(local[i] ? { localSqnrDb: Number.isFinite(localSqnr) ? localSqnr : null } : {}),
    };
  });
  layers.sort((a, b) => (a.sqnrDb ?? Number.POSITIVE_INFINITY) - (b.sqnrDb ?? Number.POSITIVE_INFINITY));
  return { samples: used, layers };
}
