import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseCalibrationCache } from '../../../shared/deploy/tensorrt-calibration-cache.js';
import { parsePreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { loadSample, modelInputs } from '../../../electron/engine/datasets/dataset.js';
import { readModelFile } from '../../../electron/engine/model-reader.js';
import { DIGITS, fixture, SHAPES, tempDir } from '../../helpers/paths.js';
import { parsePbtxt } from '../../helpers/pbtxt.js';
import { runPython } from '../../helpers/python.js';
import { cli } from '../../helpers/cli.js';


function exportJson(args: string[]) {
  const r = cli(['export', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** python3-onnx's full checker on every .onnx file below a folder. */
function checkAll(dir: string): string[] {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.onnx')).map((f) => path.join(dir, f));
  runPython('import onnx, sys\nfor f in sys.argv[1:]: onnx.checker.check_model(onnx.load(f), full_check=True)', files);
  return files;
}

const DIGITS_SPEC = fixture('digits/preprocess.json');
const SHAPES_SPEC = fixture('shapes/preprocess.json');

describe('onnx-studio export', () => {
  it('writes TensorRT, Triton and ONNX Runtime bundles at FP32, FP16 and INT8 that the checker accepts and ORT runs', () => {
    for (const target of ['tensorrt', 'triton', 'ort']) {
      for (const precision of ['fp32', 'fp16', 'int8']) {
        const dir = path.join(tempDir(), `digits-${target}-${precision}`);
        const calib = precision === 'int8' ? ['--calib', fixture('digits/calib'), '--preprocess', DIGITS_SPEC] : [];
        const r = exportJson([DIGITS, '--target', target, '-o', dir, '--precision', precision, ...calib]);
        expect(r).toMatchObject({ target, precision, dir });
        for (const f of r.files) expect(statSync(path.join(dir, f.path)).size).toBe(f.bytes);
        const models = checkAll(dir);
        expect(models).toHaveLength(1);
        const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
        if (target === 'tensorrt') {
          expect(readme).toContain('./build-engine.sh');
          const script = readFileSync(path.join(dir, 'build-engine.sh'), 'utf8');
          expect(script).toContain('--onnx=model.onnx');
          expect(script.includes('--fp16')).toBe(precision !== 'fp32');
          expect(script.includes('--int8')).toBe(precision === 'int8');
          // Implicit INT8: the FP32 model and a calibration cache trtexec reads.
          if (precision === 'int8') expect(script).toContain('--calib=calibration.cache');
          expect(statSync(path.join(dir, 'build-engine.sh')).mode & 0o111).not.toBe(0);
        }
        if (target === 'triton') expect(readme).toContain('tritonserver --model-repository');
        if (target === 'ort') expect(readme).toContain('python3 infer.py');
      }
    }
  });

  it('writes a calibration cache that reads back to the activation scales of the TensorRT-preset QDQ model', () => {
    const dir = path.join(tempDir(), 'digits-trt-cache');
    const r = exportJson([DIGITS, '--target', 'tensorrt', '-o', dir, '--precision', 'int8', '--calib', fixture('digits/calib'), '--preprocess', DIGITS_SPEC]);
    const cache = parseCalibrationCache(readFileSync(path.join(dir, 'calibration.cache'), 'utf8'));
    expect(cache.header).toBe('TRT-8601-EntropyCalibration2');
    expect(cache.scales.size).toBe(r.calibration.tensors);
    const qdq = path.join(tempDir(), 'digits-trt.int8.onnx');
    const q = cli(['quantize', DIGITS, '-o', qdq, '--mode', 'int8-static', '--backend', 'tensorrt', '--calib', fixture('digits/calib'), '--preprocess', DIGITS_SPEC]);
    expect(q.code).toBe(0);
    // python3-onnx reads each activation QuantizeLinear's scale: the oracle for the cache's numbers.
    const oracle = JSON.parse(
      runPython(
        `import onnx, sys, json
from onnx import numpy_helper
g = onnx.load(sys.argv[1]).graph
inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
out = {}
for n in g.node:
    if n.op_type == 'QuantizeLinear' and n.input[0] not in inits and n.input[0] not in out:
        out[n.input[0]] = float(inits[n.input[1]])
print(json.dumps(out))`,
        [qdq],
      ),
    );
    expect(Object.keys(oracle).sort()).toEqual([...cache.scales.keys()].sort());
    for (const [tensor, scale] of cache.scales) expect(scale).toBe(Math.fround(oracle[tensor]));
  });

  it('bakes preprocessing and TopK: raw uint8 images give what the original gives on the app\'s own preprocessed tensors', async () => {
    for (const [model, specFile, evalDir, color] of [
      [SHAPES, SHAPES_SPEC, 'shapes/eval', 'rgb'],
      [SHAPES, SHAPES_SPEC, 'shapes/eval', 'bgr'],
      [DIGITS, DIGITS_SPEC, 'digits/eval', 'gray'],
    ] as const) {
      const spec = parsePreprocessSpec({ ...JSON.parse(readFileSync(specFile, 'utf8')), color });
      const specPath = path.join(tempDir(), `spec-${color}.json`);
      await import('node:fs/promises').then((fs) => fs.writeFile(specPath, JSON.stringify(spec)));
      const dir = path.join(tempDir(), `baked-${color}`);
      const r = exportJson([model, '--target', 'ort', '-o', dir, '--bake-preprocess', specPath, '--postprocess', 'topk:2']);
      expect(r.baked).toEqual({ preprocess: true, postprocess: 'topk:2' });
      checkAll(dir);
      const baked = await ort.InferenceSession.create(path.join(dir, 'model.onnx'));
      const original = await ort.InferenceSession.create(model);
      const inputs = modelInputs((await readModelFile(model)).model);
      const classDir = fixture(`${evalDir}/${readdirSync(fixture(evalDir))[0]}`);
      for (const file of readdirSync(classDir).slice(0, 4)) {
        const filePath = path.join(classDir, file);
        // The raw pixels, decoded here with sharp and brought to the model's size first: ONNX's Resize inside the
        // baked model is not libvips' resampling, so only same-size images are expected to match to 1e-4.
        const img = sharp(filePath).removeAlpha().resize(spec.size[1], spec.size[0], { fit: 'fill', kernel: 'linear' });
        const { data, info } = await (color === 'gray' ? img.toColourspace('b-w') : img.toColourspace('srgb')).raw().toBuffer({ resolveWithObject: true });
        expect([info.height, info.width]).toEqual(spec.size);
        const raw = new ort.Tensor('uint8', new Uint8Array(data), [1, info.height, info.width, info.channels]);
        const got = await baked.run({ [baked.inputNames[0]!]: raw });
        const appFeeds = await loadSample({ id: file, files: new Map([[spec.input, { relPath: file, filePath }]]) }, inputs, spec);
        const want = await original.run(appFeeds);
        const logits = want[original.outputNames[0]!]!.data as Float32Array;
        const gotLogits = got[original.outputNames[0]!]!.data as Float32Array;
        for (let i = 0; i < logits.length; i++) expect(Math.abs(gotLogits[i]! - logits[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(logits[i]!)));
        const best = [...logits].map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
        expect(Array.from(got[baked.outputNames.at(-1)!]!.data as BigInt64Array, Number)).toEqual([best[0]![1], best[1]![1]]);
      }
    }
  });

  it('follows the dims the user made dynamic: trtexec ranges and Triton max_batch_size; fixed batch gets neither', () => {
    const dynamic = path.join(tempDir(), 'digits-dynamic.onnx');
    expect(cli(['edit', DIGITS, '-o', dynamic, '--set-dim', 'image:0=batch']).code).toBe(0);
    const ranges = 'image=1x1x28x28:4x1x28x28:8x1x28x28';
    const trt = path.join(tempDir(), 'dyn-trt');
    exportJson([dynamic, '--target', 'tensorrt', '-o', trt, '--shapes', ranges]);
    const script = readFileSync(path.join(trt, 'build-engine.sh'), 'utf8');
    expect(script).toContain('--minShapes=image:1x1x28x28');
    expect(script).toContain('--optShapes=image:4x1x28x28');
    expect(script).toContain('--maxShapes=image:8x1x28x28');
    const triton = path.join(tempDir(), 'dyn-triton');
    exportJson([dynamic, '--target', 'triton', '-o', triton, '--shapes', ranges, '--name', 'digits']);
    const config = parsePbtxt(readFileSync(path.join(triton, 'digits', 'config.pbtxt'), 'utf8'));
    expect(config).toMatchObject({
      name: 'digits',
      platform: 'onnxruntime_onnx',
      max_batch_size: 8,
      input: [{ name: 'image', data_type: 'TYPE_FP32', dims: [1, 28, 28] }],
      output: [{ name: 'logits', data_type: 'TYPE_FP32', dims: [10] }],
      dynamic_batching: { preferred_batch_size: [4, 8] },
      instance_group: [{ count: 1, kind: 'KIND_CPU' }],
    });
    const fixed = path.join(tempDir(), 'fixed-triton');
    exportJson([DIGITS, '--target', 'triton', '-o', fixed, '--name', 'digits', '--instance', 'gpu', '--accelerator', 'tensorrt', '--precision', 'fp16']);
    const fixedConfig = parsePbtxt(readFileSync(path.join(fixed, 'digits', 'config.pbtxt'), 'utf8'));
    expect(fixedConfig).toMatchObject({ max_batch_size: 0, input: [{ dims: [1, 1, 28, 28] }], instance_group: [{ kind: 'KIND_GPU' }] });
    expect(fixedConfig.dynamic_batching).toBeUndefined();
    expect(fixedConfig.optimization).toEqual({ execution_accelerators: { gpu_execution_accelerator: [{ name: 'tensorrt', parameters: [{ key: 'precision_mode', value: 'FP16' }] }] } });
    const fixedTrt = path.join(tempDir(), 'fixed-trt');
    exportJson([DIGITS, '--target', 'tensorrt', '-o', fixedTrt]);
    expect(readFileSync(path.join(fixedTrt, 'build-engine.sh'), 'utf8')).not.toMatch(/Shapes=/);
  });

  it('refuses bad input in one sentence and leaves no folder behind', () => {
    const cases: Array<[string[], RegExp, number]> = [
      [[DIGITS, '--target', 'tensorrt', '-o', path.join(tempDir(), 'x1'), '--shapes', 'image=1x1x28x28:1x1x28x28:1x1x28x2:9'], /NAME=MIN:OPT:MAX/, 2],
      [[DIGITS, '--target', 'triton', '-o', path.join(tempDir(), 'x2'), '--shapes', 'image=1x1x28x28:1x1x28x28:1x1x28x28', '--shapes', 'nope=1:1:1'], /the model's inputs are 'image'/, 1],
      [[DIGITS, '--target', 'ort', '-o', path.join(tempDir(), 'x3'), '--bake-preprocess', SHAPES_SPEC], /spec is for input 'input', which the model does not have/, 1],
      [[DIGITS, '--target', 'ort', '-o', path.join(tempDir(), 'x4'), '--precision', 'int8'], /INT8 needs calibration data/, 1],
      [[DIGITS, '--target', 'gpu', '-o', path.join(tempDir(), 'x5')], /--target must be one of tensorrt, triton, ort/, 2],
    ];
    for (const [args, pattern, code] of cases) {
      const r = cli(['export', ...args]);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\s+at\s.+:\d+:\d+/);
    }
    const dyn = path.join(tempDir(), 'digits-dyn2.onnx');
    expect(cli(['edit', DIGITS, '-o', dyn, '--set-dim', 'image:0=batch']).code).toBe(0);
    const unordered = cli(['export', dyn, '--target', 'tensorrt', '-o', path.join(tempDir(), 'x6'), '--shapes', 'image=4x1x28x28:2x1x28x28:8x1x28x28']);
    expect(unordered.stderr).toMatch(/min 4, opt 2, max 8 are not in order/);
    // TensorRT needs a range for every dynamic dim; only a batch axis has a default.
    const sequence = cli(['export', fixture('transformer-encoder.onnx'), '--target', 'tensorrt', '-o', path.join(tempDir(), 'x8')]);
    expect(sequence.code).toBe(1);
    expect(sequence.stderr).toMatch(/input 'src' has dynamic dims other than the batch \(axis 1\); give its range with --shapes src=MIN:OPT:MAX/);
    // Triton and ONNX Runtime keep such dims dynamic (-1 in Triton's config), so they export it.
    const seqTriton = path.join(tempDir(), 'seq-triton');
    expect(cli(['export', fixture('transformer-encoder.onnx'), '--target', 'triton', '-o', seqTriton, '--name', 'enc']).code).toBe(0);
    expect(parsePbtxt(readFileSync(path.join(seqTriton, 'enc', 'config.pbtxt'), 'utf8'))).toMatchObject({ max_batch_size: 16, input: [{ name: 'src', dims: [-1, 16] }, { name: 'mask', dims: [-1] }] });
    // An INT8 dynamic model runs ConvInteger, which TensorRT's parser refuses: named, not written.
    const dynInt8 = path.join(tempDir(), 'digits.dyn-int8.onnx');
    expect(cli(['quantize', DIGITS, '-o', dynInt8, '--mode', 'int8-dynamic']).code).toBe(0);
    const refusedTrt = cli(['export', dynInt8, '--target', 'tensorrt', '-o', path.join(tempDir(), 'x7')]);
    expect(refusedTrt.code).toBe(1);
    expect(refusedTrt.stderr).toMatch(/TensorRT's ONNX parser does not support (ConvInteger|MatMulInteger|DynamicQuantizeLinear) '/);
    const leftovers = readdirSync(tempDir()).filter((f) => /^x\d|partial/.test(f));
    expect(leftovers).toEqual([]);
  });
});
