import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { SaveResult } from '../../../shared/api/dto.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { QUIET } from '../../../electron/engine/profiling/backends.js';
import { DIGITS, fixture, SHAPES, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const client = () => createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));

/** Ten labelled digits images (one per class) as the model's input tensors, preprocessed as preprocess.json says. */
async function digitImages(): Promise<ort.Tensor[]> {
  const spec = JSON.parse(readFileSync(fixture('digits/preprocess.json'), 'utf8')) as { scale: number; mean: number[]; std: number[] };
  const tensors: ort.Tensor[] = [];
  for (const label of readdirSync(fixture('digits/eval')).sort()) {
    const file = readdirSync(fixture(`digits/eval/${label}`)).sort()[0]!;
    const pixels = await sharp(fixture(`digits/eval/${label}/${file}`)).greyscale().resize(28, 28).raw().toBuffer();
    tensors.push(new ort.Tensor('float32', Float32Array.from(pixels, (p) => (p * spec.scale - spec.mean[0]!) / spec.std[0]!), [1, 1, 28, 28]));
  }
  return tensors;
}

async function outputsOn(file: string, images: ort.Tensor[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(file, QUIET);
  try {
    const out: Float32Array[] = [];
    for (const image of images) out.push((await session.run({ [session.inputNames[0]!]: image }))[session.outputNames[0]!]!.data as Float32Array);
    return out;
  } finally {
    await session.release();
  }
}

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![j]!)))));
  return worst;
}

async function convertAndSave(file: string, opset: number, out: string) {
  const engine = client();
  const info = await engine.openModel({ source: { kind: 'path', path: file } });
  const report = await engine.convertOpset({ docId: info.docId, opset });
  const job = await engine.waitForJob((await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: out } })).jobId);
  expect(job.status, job.error?.message).toBe('succeeded');
  return { report, path: (job.result as SaveResult).path! };
}

// python3-onnx's version_converter (1.12) has no down adapters from 13 for Relu or Clip, so it is the
// oracle for the upward steps: it converts our opset-9 result up, and we compare with our own.
const ORACLE = `
import json, sys, onnx
from onnx import version_converter
src, target, out, *ours = sys.argv[1:]
theirs = version_converter.convert_version(onnx.load(src), int(target))
onnx.checker.check_model(theirs, full_check=True)
onnx.save(theirs, out)
report = {'theirs': [n.op_type for n in theirs.graph.node]}
for f in ours:
    m = onnx.load(f)
    onnx.checker.check_model(m, full_check=True)
    report[f] = {'ops': [n.op_type for n in m.graph.node], 'opset': [o.version for o in m.opset_import if o.domain in ('', 'ai.onnx')][0], 'ir': m.ir_version}
print(json.dumps(report))
`;

describe('converting the trained fixtures between opsets', () => {
  it('digits: 13 -> 9 -> 13 and 9 -> 17 pass the checker, match onnx.version_converter going up, and give the original outputs on labelled images', async () => {
    const dir = tempDir();
    const down = await convertAndSave(DIGITS, 9, path.join(dir, 'digits-9.onnx'));
    expect(down.report.opsetBefore).toBe(13);
    expect(down.report.opsetAfter).toBe(9);
    expect(down.report.maxAbsDiff).toBe(0);
    const up13 = await convertAndSave(down.path, 13, path.join(dir, 'digits-9-13.onnx'));
    const up17 = await convertAndSave(down.path, 17, path.join(dir, 'digits-9-17.onnx'));
    expect(up17.report.opsetAfter).toBe(17);

    const theirs13 = path.join(dir, 'digits-9-13-onnx.onnx');
    const report = JSON.parse(runPython(ORACLE, [down.path, '13', theirs13, down.path, up13.path, up17.path])) as Record<string, { ops: string[]; opset: number; ir: number }> & { theirs: string[] };
    const originalOps = (decodeModel(readFileSync(DIGITS)).graph!.node ?? []).map((n) => n.opType);
    expect(report[down.path]!.ops).toEqual(originalOps);
    expect(report[down.path]!.opset).toBe(9);
    expect(report[down.path]!.ir).toBe(4);
    expect(report[up13.path]!.ops).toEqual(report.theirs);
    expect(report[up17.path]!.opset).toBe(17);

    const images = await digitImages();
    const original = await outputsOn(DIGITS, images);
    expect(maxDiff(await outputsOn(up13.path, images), await outputsOn(theirs13, images))).toBe(0);
    for (const file of [down.path, up13.path, up17.path]) expect(maxDiff(await outputsOn(file, images), original), file).toBe(0);
    // The images are real digits: the converted model still tells them apart.
    expect(new Set(original.map((o) => o.indexOf(Math.max(...o)))).size).toBeGreaterThan(5);
  });

  it('shapes: Clip takes its bounds as attributes at opset 9 and as inputs again at 13, with the same outputs', async () => {
    const dir = tempDir();
    const down = await convertAndSave(SHAPES, 9, path.join(dir, 'shapes-9.onnx'));
    expect(down.report.converted).toEqual([{ opType: 'Clip', count: 11 }]);
    const clip = decodeModel(readFileSync(down.path)).graph!.node!.find((n) => n.opType === 'Clip')!;
    expect(clip.input).toHaveLength(1);
    expect(clip.attribute!.map((a) => a.name).sort()).toEqual(['max', 'min']);
    const up = await convertAndSave(down.path, 13, path.join(dir, 'shapes-9-13.onnx'));
    expect(up.report.converted).toEqual([{ opType: 'Clip', count: 11 }]);
    expect(up.report.maxAbsDiff).toBe(0);
    const theirs = path.join(dir, 'shapes-9-13-onnx.onnx');
    const report = JSON.parse(runPython(ORACLE, [down.path, '13', theirs, down.path, up.path])) as Record<string, { ops: string[] }> & { theirs: string[] };
    expect(report[up.path]!.ops.filter((op) => op === 'Clip')).toHaveLength(11);
    // version_converter feeds Clip-11 its bounds as initializers, we as Constant nodes; the outputs agree.
    expect(report.theirs.filter((op) => op === 'Clip')).toHaveLength(11);
    const input = new ort.Tensor('float32', Float32Array.from({ length: 3 * 64 * 64 }, (_, i) => Math.sin(i) * 3), [1, 3, 64, 64]);
    expect(maxDiff(await outputsOn(up.path, [input]), await outputsOn(theirs, [input]))).toBeLessThan(1e-6);
    expect(maxDiff(await outputsOn(down.path, [input]), await outputsOn(SHAPES, [input]))).toBe(0);
  });

  it('is an undoable edit: undo restores opset 13, redo converts again, and the history names it', async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: SHAPES } });
    const converted = await engine.convertOpset({ docId: info.docId, opset: 9 });
    expect(converted.model.summary.opsets['ai.onnx']).toBe(9);
    expect(converted.model.undoLabel).toBe('Convert to opset ai.onnx 9');
    const undone = await engine.undoEdit({ docId: info.docId });
    expect(undone.summary.opsets['ai.onnx']).toBe(13);
    expect(undone.summary.ops).toEqual(info.summary.ops);
    const redone = await engine.redoEdit({ docId: info.docId });
    expect(redone.summary.opsets['ai.onnx']).toBe(9);
    expect(redone.summary.ops.Constant).toBeUndefined();
  });

  it("the Properties panel's opset edit (applyEdit setOpset) converts and checks the same way", async () => {
    const engine = client();
    const info = await engine.openModel({ source: { kind: 'path', path: SHAPES } });
    const edited = await engine.applyEdit({ docId: info.docId, command: 'setOpset', params: { domain: '', version: 9 } });
    expect(edited.summary.opsets['ai.onnx']).toBe(9);
    expect(edited.notes).toEqual(['Checked in ONNX Runtime on seeded random inputs: largest output difference 0.']);
    expect(edited.problems.filter((p) => p.severity === 'error')).toEqual([]);
    await expect(engine.applyEdit({ docId: info.docId, command: 'setOpset', params: { domain: '', version: 6 } })).rejects.toThrow('Opset 6 is outside what the converter handles; choose an opset from 7 to 21.');
  });
});
