import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runModelsInChild } from '../../../electron/engine/candidate-run/run-in-child.js';
import { measureAgreement } from '../../../electron/engine/quantization/agreement-check.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto, TensorProto } from '../../../shared/onnx/types.js';
import { toFloat16Bits } from '../../../shared/quantize/float16.js';
import { cli } from '../../helpers/cli.js';
import { floatTensor, model, node, tensorValue } from '../../helpers/model-builder.js';
import { tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const WEIGHTS = Array.from({ length: 32 }, (_, i) => Math.sin(i) / 2);

/** y = relu(transpose(x, [1,0,2]) . W), as a batch_first GRU export goes from sequence-major back to batch-major into a Linear head. */
function transposeMatMul(): ModelProto {
  return model({
    node: [
      node('Transpose', ['x'], ['t'], 'to_batch_major', { attribute: [{ name: 'perm', type: 7, ints: [1, 0, 2] }] }),
      node('MatMul', ['t', 'w'], ['h'], 'head'),
      node('Relu', ['h'], ['y'], 'head_relu'),
    ],
    input: [tensorValue('x', [20, 1, 8])],
    output: [tensorValue('y', [1, 20, 4])],
    initializer: [floatTensor('w', [8, 4], WEIGHTS)],
  }, 14);
}

function halfTensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dims, dataType: 10, rawData: new Uint8Array(Uint16Array.from(values, toFloat16Bits).buffer) };
}

/** The same in float16 between Casts, as a plain FP16 conversion writes it: ONNX Runtime 1.30 segfaults loading it. */
function crashingHalf(): ModelProto {
  return model({
    node: [
      node('Cast', ['x'], ['x16'], 'in', { attribute: [{ name: 'to', type: 2, i: 10 }] }),
      node('Transpose', ['x16'], ['t'], 'to_batch_major', { attribute: [{ name: 'perm', type: 7, ints: [1, 0, 2] }] }),
      node('MatMul', ['t', 'w'], ['h'], 'head'),
      node('Relu', ['h'], ['y16'], 'head_relu'),
      node('Cast', ['y16'], ['y'], 'out', { attribute: [{ name: 'to', type: 2, i: 1 }] }),
    ],
    input: [tensorValue('x', [20, 1, 8])],
    output: [tensorValue('y', [1, 20, 4])],
    initializer: [halfTensor('w', [8, 4], WEIGHTS)],
  }, 14);
}

describe('ONNX Runtime checks of candidate models run in a child process', () => {
  it('turns a crash of ONNX Runtime into a sentence naming the model, and the engine carries on', async () => {
    const original = transposeMatMul();
    const crashing = crashingHalf();
    await expect(measureAgreement(encodeModel(original), encodeModel(crashing), original, crashing, undefined, 'FP16 model')).rejects.toThrow(
      /^ONNX Runtime crashed \(SIGSEGV\) while loading the FP16 model; nothing was written\.$/,
    );
    // Same process, next check: the original against itself agrees exactly.
    const same = await measureAgreement(encodeModel(original), encodeModel(original), original, original, undefined, 'FP16 model');
    expect(same.cosine).toBeCloseTo(1, 12);
    expect(same.sqnrDb).toBe(Infinity);
  });

  it('names which of the models it was loading when ONNX Runtime crashed', async () => {
    const runs = await runModelsInChild([{ source: { bytes: encodeModel(transposeMatMul()) }, label: 'original model' }, { source: { bytes: encodeModel(crashingHalf()) }, label: 'converted model' }], []);
    expect(runs.crash).toBe('ONNX Runtime crashed (SIGSEGV) while loading the converted model');
    const reversed = await runModelsInChild([{ source: { bytes: encodeModel(crashingHalf()) }, label: 'first model' }, { source: { bytes: encodeModel(transposeMatMul()) }, label: 'second model' }], []);
    expect(reversed.crash).toBe('ONNX Runtime crashed (SIGSEGV) while loading the first model');
  });

  it('converts the tail of a batch_first recurrent export to FP16 with the crashing pair kept in float32', () => {
    const dir = tempDir();
    const file = path.join(dir, 'tail.onnx');
    writeFileSync(file, encodeModel(transposeMatMul()));
    const out = path.join(dir, 'tail.fp16.onnx');
    const r = cli(['quantize', file, '-o', out, '--mode', 'fp16', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.excludedNodes.map((e: { name: string }) => e.name).sort()).toEqual(['head', 'to_batch_major']);
    expect(j.quantizedNodes).toBe(1);
    expect(j.agreement.cosine).toBeGreaterThan(0.9999);
    // python3-onnx is the oracle for validity, and shows the pair really is float32 in the file.
    const types = runPython(
      'import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nm = onnx.shape_inference.infer_shapes(m)\nt = {v.name: v.type.tensor_type.elem_type for v in m.graph.value_info}\nprint(t["t"], t["h"], {i.name: i.data_type for i in m.graph.initializer}["w"])',
      [out],
    );
    expect(types.trim()).toBe('1 1 1');
    expect(readdirSync(dir).sort()).toEqual(['tail.fp16.onnx', 'tail.onnx']);
  });

  it('still answers on stdout with --json when the quantization is refused', () => {
    const dir = tempDir();
    const file = path.join(dir, 'no-half.onnx');
    // Only the pair that must stay float32: nothing is left to convert, which is refused.
    const m = transposeMatMul();
    writeFileSync(file, encodeModel({ ...m, graph: { ...m.graph!, node: m.graph!.node!.slice(0, 2), output: [tensorValue('h', [1, 20, 4])], } }));
    const r = cli(['quantize', file, '-o', path.join(dir, 'out.onnx'), '--mode', 'fp16', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout);
    expect(j).toEqual({ mode: 'fp16', output: null, error: { code: expect.any(String), message: r.stderr.trim().replace(/^onnx-studio: /, '') } });
    expect(readdirSync(dir)).toEqual(['no-half.onnx']);
  });
});
