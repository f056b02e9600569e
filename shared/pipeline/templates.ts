import type { Pipeline, PipelineEdge, PipelineNode } from './pipeline.js';
import { emptyPipeline } from './pipeline-format.js';

export interface PipelineTemplate {
  id: string;
  title: string;
  description: string;
  /** A fresh pipeline; its source nodes are unbound (name only) until the user picks a model and folders. */
  build(): Pipeline;
}

const at = (column: number, row: number) => ({ x: column * 280, y: row * 140 });
const edge = (from: string, fromPort: string, to: string, toPort: string): PipelineEdge => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

function pipeline(name: string, nodes: PipelineNode[], edges: PipelineEdge[], output?: string): Pipeline {
  return { ...emptyPipeline(name), nodes, edges, ...(output ? { output } : {}) };
}

const model = (row = 0): PipelineNode => ({ id: 'model', kind: 'model-source', label: 'Model file', params: { name: 'model.onnx' }, position: at(0, row) });
const calib = (row: number): PipelineNode => ({ id: 'calib', kind: 'data-source', label: 'Calibration images', params: { name: 'calib' }, position: at(0, row) });
const evalSet = (row: number): PipelineNode => ({ id: 'eval', kind: 'data-source', label: 'Labelled eval images', params: { name: 'eval' }, position: at(0, row) });

/** The templates the editor offers on a new pipeline. */
export const PIPELINE_TEMPLATES: readonly PipelineTemplate[] = [
  {
    id: 'int8-ort-cpu-gate',
    title: 'INT8 for ONNX Runtime CPU with an accuracy gate',
    description: 'Static INT8 (QDQ) for the ONNX Runtime CPU preset from calibration images; compared with the FP32 model on labelled images, the run fails when top-1 drops more than 1 point; the INT8 model is saved.',
    build: () =>
      pipeline(
        'INT8 for ONNX Runtime CPU with an accuracy gate',
        [
          model(0),
          calib(1),
          evalSet(2),
          { id: 'int8', kind: 'int8-static', params: { backend: 'ort-cpu' }, position: at(1, 0) },
          { id: 'gate', kind: 'compare', label: 'Accuracy gate', params: { thresholds: { maxTop1DropPoints: 1 } }, position: at(2, 1) },
          { id: 'save', kind: 'save', params: { fileName: 'model.int8.onnx' }, position: at(2, 0) },
        ],
        [edge('model', 'model', 'int8', 'model'), edge('calib', 'data', 'int8', 'calibration'), edge('model', 'model', 'gate', 'reference'), edge('int8', 'model', 'gate', 'variants'), edge('eval', 'data', 'gate', 'data'), edge('int8', 'model', 'save', 'model')],
        'int8',
      ),
  },
  {
    id: 'precision-matrix',
    title: 'FP32 / FP16 / INT8 matrix on one eval set',
    description: 'FP16 and static INT8 variants of one model, compared side by side with the FP32 original on one labelled eval set: accuracy, agreement, cosine, SQNR, latency and size; a report of the three.',
    build: () =>
      pipeline(
        'FP32 / FP16 / INT8 matrix on one eval set',
        [
          model(0),
          calib(2),
          evalSet(3),
          { id: 'fp16', kind: 'fp16', params: {}, position: at(1, 0) },
          { id: 'int8', kind: 'int8-static', params: {}, position: at(1, 1) },
          { id: 'matrix', kind: 'compare', label: 'FP32 / FP16 / INT8', params: {}, position: at(2, 1) },
          { id: 'report', kind: 'report', params: { fileName: 'precision-matrix.report.json' }, position: at(3, 1) },
        ],
        [
          edge('model', 'model', 'fp16', 'model'),
          edge('model', 'model', 'int8', 'model'),
          edge('calib', 'data', 'int8', 'calibration'),
          edge('model', 'model', 'matrix', 'reference'),
          edge('fp16', 'model', 'matrix', 'variants'),
          edge('int8', 'model', 'matrix', 'variants'),
          edge('eval', 'data', 'matrix', 'data'),
          edge('model', 'model', 'report', 'models'),
          edge('fp16', 'model', 'report', 'models'),
          edge('int8', 'model', 'report', 'models'),
        ],
      ),
  },
  {
    id: 'dynamic-batch-int8-profile',
    title: 'dynamic batch + INT8 + profile',
    description: 'Makes axis 0 of every input a dynamic batch (baked constants rewritten or refused, checked in ONNX Runtime), quantizes to static INT8 from calibration images and profiles both on the ONNX Runtime CPU backend.',
    build: () =>
      pipeline(
        'dynamic batch + INT8 + profile',
        [
          model(0),
          calib(1),
          { id: 'dynamic', kind: 'set-dims', label: 'Dynamic batch', params: { dims: [{ axis: 0, value: 'batch' }] }, position: at(1, 0) },
          { id: 'int8', kind: 'int8-static', params: {}, position: at(2, 0) },
          { id: 'profile-fp32', kind: 'profile', label: 'Profile FP32', params: { backend: 'cpu', runs: 50, warmup: 5 }, position: at(2, 1) },
          { id: 'profile-int8', kind: 'profile', label: 'Profile INT8', params: { backend: 'cpu', runs: 50, warmup: 5 }, position: at(3, 0) },
        ],
        [
          edge('model', 'model', 'dynamic', 'model'),
          edge('dynamic', 'model', 'int8', 'model'),
          edge('calib', 'data', 'int8', 'calibration'),
          edge('dynamic', 'model', 'profile-fp32', 'model'),
          edge('int8', 'model', 'profile-int8', 'model'),
        ],
        'int8',
      ),
  },
];
