import type { MethodName } from '../../shared/api/methods.js';

export const SECRET = '/etc/passwd';
const ID = '00000000-0000-4000-8000-000000000000';

export type PathCase = { base: Record<string, unknown>; paths: Record<string, unknown>[] };

/**
 * For every method of the contract: arguments of the right shape, and the places a path can be put in
 * them where the method takes one. The return type makes a new method a compile error here until it is listed.
 */
export function pathCases(docId: string): Record<MethodName, PathCase> {
  const edit = (params: Record<string, unknown>) => ({ docId, command: 'replaceInitializer', params });
  return {
    getAppInfo: { base: {}, paths: [] },
    listSamples: { base: {}, paths: [] },
    openModel: { base: { source: { kind: 'sample', name: 'x' } }, paths: [{ source: { kind: 'path', path: SECRET } }, { source: { kind: 'path', path: 'relative/model.onnx' } }] },
    getModel: { base: { docId }, paths: [] },
    listModels: { base: {}, paths: [] },
    closeModel: { base: { docId }, paths: [] },
    startSaveModel: { base: { docId, target: { kind: 'download' } }, paths: [{ docId, target: { kind: 'path', path: '/tmp/out.onnx', overwrite: true } }] },
    getGraphView: { base: { docId, graphPath: 'main' }, paths: [] },
    getInferredShapes: { base: { docId, graphPath: 'main' }, paths: [] },
    getTensorStats: { base: { docId, graphPath: 'main', name: 'fc.bias' }, paths: [] },
    exportTensor: { base: { docId, graphPath: 'main', name: 'fc.bias', target: { kind: 'download' } }, paths: [{ docId, graphPath: 'main', name: 'fc.bias', target: { kind: 'path', path: '/tmp/fc.npy' } }] },
    getNodeSchema: { base: { docId, graphPath: 'main', nodeIndex: 0 }, paths: [] },
    analyzeModel: { base: { docId }, paths: [] },
    listBackends: { base: {}, paths: [] },
    startProfile: { base: { docId, runs: 1 }, paths: [{ docId, inputFiles: { image: '/tmp/x.npy' } }] },
    getQuantizeCatalog: { base: {}, paths: [] },
    proposePreprocess: { base: { docId }, paths: [] },
    openDataset: {
      base: { source: { kind: 'blobs', name: 'calib', files: [{ blobId: ID, path: 'a/1.png' }] } },
      paths: [{ source: { kind: 'path', path: '/home' } }, { source: { kind: 'blobs', name: 'calib', files: [{ blobId: ID, path: '../../etc/passwd' }] } }, { source: { kind: 'blobs', name: 'c', files: [{ blobId: ID, path: '/etc/passwd' }] } }],
    },
    previewPreprocess: { base: { datasetId: ID, spec: { input: 'image', size: [28, 28], color: 'gray', layout: 'NCHW', scale: 1, mean: [0], std: [1] } }, paths: [] },
    startQuantize: { base: { docId, mode: 'fp16' }, paths: [{ docId, mode: 'fp16', output: { path: '/tmp/q.onnx' } }] },
    startCompare: { base: { referenceDocId: docId, variantDocIds: [docId], datasetId: ID }, paths: [] },
    startLayerErrors: { base: { referenceDocId: docId, variantDocId: docId, datasetId: ID }, paths: [] },
    getThumbnail: { base: { datasetId: ID, file: 'a/1.png' }, paths: [] },
    duplicateModel: { base: { docId }, paths: [] },
    getRecipe: { base: { docId }, paths: [] },
    updateRecipeSteps: {
      base: { docId, steps: [] },
      paths: [{ docId, steps: [{ id: 'edit-1', kind: 'edit', model: 'input', commands: [{ command: 'replaceInitializer', params: { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: SECRET } } }] }] }],
    },
    startRunRecipe: { base: { docId }, paths: [] },
    convertOpset: { base: { docId, opset: 13 }, paths: [] },
    simplifyModel: { base: { docId }, paths: [] },
    startSimplify: { base: { docId }, paths: [] },
    startConvertOpset: { base: { docId, opset: 13 }, paths: [] },
    startExport: { base: { docId, target: 'ort', destination: { kind: 'download' } }, paths: [{ docId, target: 'ort', destination: { kind: 'path', path: '/tmp/bundle' } }, { docId, target: 'triton', destination: { kind: 'path', path: 'relative/bundle', overwrite: true } }] },
    getOpCatalogue: { base: { docId }, paths: [] },
    applyEdit: { base: edit({ graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [10], values: [0] }), paths: [edit({ graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [], file: { kind: 'path', path: SECRET } })] },
    undoEdit: { base: { docId }, paths: [] },
    redoEdit: { base: { docId }, paths: [] },
    extractSubgraph: { base: { docId, inputs: ['image'], outputs: ['logits'] }, paths: [] },
    diffModels: { base: { docIdA: docId, docIdB: docId }, paths: [] },
    getDiffView: { base: { docIdA: docId, docIdB: docId }, paths: [] },
    openPipeline: {
      base: { pipeline: { format: 'onnx-studio.recipe', version: 2, nodes: [], edges: [] } },
      paths: [{ pipeline: { format: 'onnx-studio.recipe', version: 2, nodes: [{ id: 'm', kind: 'model-source', params: { name: 'm.onnx', path: SECRET } }], edges: [] } }],
    },
    updatePipeline: {
      base: { pipelineId: ID, pipeline: { format: 'onnx-studio.recipe', version: 2, nodes: [], edges: [] } },
      paths: [{ pipelineId: ID, pipeline: { format: 'onnx-studio.recipe', version: 2, nodes: [{ id: 'd', kind: 'data-source', params: { name: 'calib', path: '/home' } }], edges: [] } }],
    },
    bindPipelineSource: { base: { pipelineId: ID, nodeId: 'm', docId }, paths: [] },
    getPipeline: { base: { pipelineId: ID }, paths: [] },
    listPipelines: { base: {}, paths: [] },
    closePipeline: { base: { pipelineId: ID }, paths: [] },
    startRunPipeline: { base: { pipelineId: ID }, paths: [{ pipelineId: ID, saveTo: { kind: 'path', path: '/tmp/out' } }] },
    getJob: { base: { jobId: ID }, paths: [] },
    cancelJob: { base: { jobId: ID }, paths: [] },
  };
}

/** A path hidden where no schema expects one: in an extra field, deep inside arrays and objects. */
export function hiddenPaths(base: Record<string, unknown>): Record<string, unknown>[] {
  return [
    { ...base, extra: { kind: 'path', path: SECRET } },
    { ...base, deep: [{ a: [{ b: { c: { path: SECRET } } }] }] },
    { ...base, nested: { list: [[{ sourceDir: '/home' }]] } },
    { ...base, more: { output: { path: 'out.onnx' } } },
  ];
}

