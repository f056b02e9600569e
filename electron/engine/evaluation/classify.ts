import * as ort from 'onnxruntime-node';
import { EngineError } from '../../../shared/api/errors.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { rankOf } from '../../../shared/metrics/output-metrics.js';
import { fromFloat16Bits } from '../../../shared/quantize/float16.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { forEachSampleRun } from '../quantization/calibrate.js';
import type { Dataset } from '../datasets/dataset.js';
import type { JobContext } from '../jobs.js';
import { QUIET } from '../profiling/backends.js';

export interface ClassificationScore {
  samples: number;
  top1: number;
  top5: number;
}

/**
 * Top-1/top-5 accuracy of a classifier on a folder with one sub-folder per class (sorted names give
 * the class indices, as torchvision's ImageFolder does). The first output holds the scores.
 */
export async function classificationAccuracy(modelFile: string, model: ModelProto, dataset: Dataset, spec: PreprocessSpec | undefined, ctx: JobContext): Promise<ClassificationScore> {
  const classes = dataset.classes();
  if (classes.length < 2) throw new EngineError('BAD_ARGUMENT', `The folder '${dataset.name}' needs one sub-folder per class to measure accuracy.`);
  const session = await ort.InferenceSession.create(modelFile, QUIET);
  let top1 = 0;
  let top5 = 0;
  let labelled = 0;
  try {
    const output = session.outputNames[0]!;
    const pass = await forEachSampleRun(session, model, dataset, spec, [output], ctx, 'evaluating', (outputs, sample) => {
      const scores = outputs[output] as ort.Tensor;
      const values = scores.type === 'float16' ? Array.from(scores.data as Uint16Array, fromFloat16Bits) : (scores.data as Float32Array);
      // A sample without a class folder has no right answer: it is not counted, neither hit nor miss.
      const label = sample.label !== undefined ? classes.indexOf(sample.label) : -1;
      if (label < 0) return;
      const rank = rankOf(values, label);
      if (rank === undefined) throw new EngineError('BAD_ARGUMENT', `The folder '${dataset.name}' has ${classes.length} classes but the model scores ${values.length}; evaluate it on data with one sub-folder per class the model outputs.`);
      labelled++;
      if (rank === 0) top1++;
      if (rank < 5) top5++;
    });
    if (labelled === 0) throw new EngineError('BAD_ARGUMENT', `None of the ${pass.samplesUsed} samples in '${dataset.name}' is labelled; accuracy needs one sub-folder per class holding that class's files.`);
    return { samples: labelled, top1: top1 / labelled, top5: top5 / labelled };
  } finally {
    await session.release();
  }
}
