/**
 * The names of the engine API's methods, without their argument schemas: what a client needs to build
 * its methods, so the renderer's first screen does not load the schema library. methods.ts checks at
 * compile time that this list and its method table name the same methods.
 */
export const METHOD_NAMES = [
  'getAppInfo', 'listSamples', 'openModel', 'getModel', 'listModels', 'closeModel', 'startSaveModel', 'getGraphView',
  'getInferredShapes', 'getTensorStats', 'exportTensor', 'getNodeSchema', 'analyzeModel', 'listBackends', 'startProfile',
  'getQuantizeCatalog', 'proposePreprocess', 'openDataset', 'previewPreprocess', 'startQuantize', 'startCompare',
  'startLayerErrors', 'getThumbnail', 'duplicateModel', 'getRecipe', 'updateRecipeSteps', 'startRunRecipe', 'startExport',
  'getOpCatalogue', 'applyEdit', 'undoEdit', 'convertOpset', 'redoEdit', 'extractSubgraph', 'simplifyModel', 'startSimplify',
  'startConvertOpset', 'diffModels', 'getDiffView', 'openPipeline', 'updatePipeline', 'bindPipelineSource', 'getPipeline',
  'listPipelines', 'closePipeline', 'startRunPipeline', 'getJob', 'cancelJob',
] as const;
