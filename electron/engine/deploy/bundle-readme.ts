import type { DeployPrecision } from '../../../shared/deploy/trtexec-command.js';
import { formatDims, type ModelInput, type ShapeRange } from '../../../shared/deploy/shape-ranges.js';
import type { TritonLayout } from '../../../shared/deploy/triton-config.js';
import { formatShape } from '../../../shared/model/format.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';

export interface ReadmeFacts {
  target: 'tensorrt' | 'triton' | 'ort';
  name: string;
  precision: DeployPrecision;
  inputs: ModelInput[];
  outputs: ModelInput[];
  shapes: ReadonlyMap<string, ShapeRange>;
  implicitInt8: boolean;
  layout: TritonLayout | undefined;
  rawInput: string | undefined;
  spec: PreprocessSpec | undefined;
  topK: number | undefined;
}

const io = (v: ModelInput) => `- \`${v.name}\`: ${v.type}[${formatShape(v.shape, ' x ')}]`;

function feedingSection(f: ReadmeFacts): string[] {
  if (f.rawInput && f.spec) {
    const c = f.spec.color === 'gray' ? 'grayscale (1 channel)' : 'RGB (3 channels)';
    return [
      '## Feeding it',
      '',
      `Preprocessing is part of the model: feed \`${f.rawInput}\` raw uint8 ${c} images as batch x height x width x channels`,
      `(any height and width; the model resizes to ${f.spec.size[0]}x${f.spec.size[1]} with ONNX's ${f.spec.resize === 'nearest' ? 'nearest' : 'bilinear'} Resize, then normalizes exactly as calibration did).`,
      `Images already at ${f.spec.size[0]}x${f.spec.size[1]} give exactly what ONNX Studio measured; other sizes are resampled by ONNX's Resize, which is close to but not the same filter as the app's.`,
      '',
    ];
  }
  return ['## Feeding it', '', 'Feed the inputs exactly as listed above; the model does no preprocessing of its own.', ''];
}

function targetSection(f: ReadmeFacts): string[] {
  if (f.target === 'tensorrt') {
    const ranges = [...f.shapes].map(([n, r]) => `- \`${n}\`: min ${formatDims(r.min)}, opt ${formatDims(r.opt)}, max ${formatDims(r.max)}`);
    const int8 = f.precision !== 'int8' ? [] : f.implicitInt8
      ? ['INT8 is implicit: `model.onnx` is the FP32 model and `calibration.cache` holds the activation scales from', "ONNX Studio's calibration (TensorRT's cache format, read by `trtexec --calib`).", '']
      : ['INT8 is explicit: `model.onnx` carries QuantizeLinear/DequantizeLinear pairs, so TensorRT needs no calibration.', ''];
    return [
      '## Build the engine (on the GPU machine that will run it)',
      '',
      '```sh',
      './build-engine.sh            # writes model.engine and timing.cache; extra trtexec flags are passed on',
      'trtexec --loadEngine=model.engine   # measure it',
      '```',
      '',
      ...(ranges.length ? ['Optimization profile:', '', ...ranges, ''] : ['All input dims are fixed, so the engine has no shape profile.', '']),
      ...int8,
    ];
  }
  if (f.target === 'triton') {
    const batch = f.layout && f.layout.maxBatchSize > 0 ? `max_batch_size ${f.layout.maxBatchSize} (dims in config.pbtxt leave the batch out)` : 'max_batch_size 0: the batch axis is fixed, dims are full shapes';
    return [
      '## Serve it',
      '',
      `This folder is a Triton model repository holding \`${f.name}\` (${batch}).`,
      '',
      '```sh',
      'tritonserver --model-repository="$PWD"',
      `curl localhost:8000/v2/models/${f.name}/config`,
      '```',
      '',
    ];
  }
  return [
    '## Run it',
    '',
    '`model.onnx` is already optimized by ONNX Runtime, so `session.json` turns optimization off at load time.',
    '',
    '```sh',
    'python3 infer.py        # pip install onnxruntime numpy',
    'node infer.mjs          # npm install onnxruntime-node',
    '```',
    '',
  ];
}

function examples(f: ReadmeFacts): Array<[string, string, string]> {
  if (f.target !== 'ort') return [];
  const feeds = f.inputs.map((i) => {
    const dims = f.shapes.get(i.name)?.opt ?? i.shape!.map((d) => (typeof d === 'number' ? d : 1));
    return { name: i.name, type: i.type, dims };
  });
  const npType = (t: string) => (t === 'uint8' ? 'np.uint8' : t === 'int64' ? 'np.int64' : t === 'int32' ? 'np.int32' : t === 'float16' ? 'np.float16' : 'np.float32');
  const py = [
    '# Loads the bundle with the session options in session.json and runs it once on random data.',
    'import json, numpy as np, onnxruntime as ort',
    "cfg = json.load(open('session.json'))",
    'so = ort.SessionOptions()',
    'so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL',
    "so.intra_op_num_threads = cfg['intraOpNumThreads']",
    "session = ort.InferenceSession(cfg['model'], so, providers=['CPUExecutionProvider'])",
    'feeds = {',
    ...feeds.map((i) => `    ${JSON.stringify(i.name)}: (np.random.rand(${i.dims.join(', ')}) * ${i.type === 'uint8' ? 255 : 1}).astype(${npType(i.type)}),`),
    '}',
    'for out, value in zip(session.get_outputs(), session.run(None, feeds)):',
    "    print(out.name, value.shape)",
    '',
  ].join('\n');
  const jsArray = (t: string) => (t === 'uint8' ? 'Uint8Array' : t === 'int64' ? 'BigInt64Array' : t === 'int32' ? 'Int32Array' : 'Float32Array');
  const js = [
    '// Loads the bundle with the session options in session.json and runs it once on random data.',
    "import { readFileSync } from 'node:fs';",
    "import * as ort from 'onnxruntime-node';",
    "const cfg = JSON.parse(readFileSync('session.json', 'utf8'));",
    "const session = await ort.InferenceSession.create(cfg.model, { graphOptimizationLevel: cfg.graphOptimizationLevel, intraOpNumThreads: cfg.intraOpNumThreads, executionProviders: cfg.executionProviders });",
    'const feeds = {',
    ...feeds.map((i) => {
      const n = i.dims.reduce((a, b) => a * b, 1);
      const fill = i.type === 'int64' ? '() => 0n' : i.type === 'uint8' ? '() => Math.floor(Math.random() * 256)' : '() => Math.random()';
      return `  ${JSON.stringify(i.name)}: new ort.Tensor(${JSON.stringify(i.type === 'float16' ? 'float32' : i.type)}, ${jsArray(i.type)}.from({ length: ${n} }, ${fill}), [${i.dims.join(', ')}]),`;
    }),
    '};',
    'for (const [name, value] of Object.entries(await session.run(feeds))) console.log(name, value.dims);',
    '',
  ].join('\n');
  return [
    ['infer.py', py, 'Python example'],
    ['infer.mjs', js, 'Node.js example'],
  ];
}

/** README.md (and, for ONNX Runtime, the inference examples) naming the exact commands for the target. */
export function bundleReadme(f: ReadmeFacts): Array<[string, string, string]> {
  const title = { tensorrt: 'TensorRT', triton: 'Triton Inference Server', ort: 'ONNX Runtime' }[f.target];
  const readme = [
    `# ${f.name}: ${title} bundle (${f.precision.toUpperCase()})`,
    '',
    'Written by ONNX Studio (`onnx-studio export`). Every ONNX file here was loaded and run in ONNX Runtime before it was written.',
    '',
    '## Inputs',
    '',
    ...f.inputs.map(io),
    '',
    '## Outputs',
    '',
    ...f.outputs.map(io),
    ...(f.topK ? ['', `Softmax and TopK (${f.topK}) are part of the model: the last two outputs are the ${f.topK} best probabilities and their class indices.`] : []),
    '',
    ...feedingSection(f),
    ...targetSection(f),
  ].join('\n');
  return [['README.md', readme, 'instructions'], ...examples(f)];
}
