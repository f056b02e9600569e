import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkFeeds } from '../../../electron/engine/check-inputs.js';
import { checkOutputs, RELATIVE_TOLERANCE } from '../../../electron/engine/converting/output-check.js';
import { runCommand } from '../../../shared/edit/commands.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { DIGITS } from '../../helpers/paths.js';

const digits = () => decodeModel(readFileSync(DIGITS));

/** The digits model with its last bias shifted by `delta` for class 0 (logits move by exactly that much). */
function shiftedBias(model: ModelProto, delta: number): ModelProto {
  const bias = model.graph!.initializer!.find((t) => t.name === 'fc.bias')!;
  const values = Array.from(new Float32Array(Uint8Array.prototype.slice.call(bias.rawData!).buffer));
  values[0]! += delta;
  return runCommand(model, 'replaceInitializer', { graphPath: 'main', name: 'fc.bias', dataType: 1, dims: [10], values }).model;
}

describe('the ONNX Runtime check of a converted model', () => {
  it('reports the largest output difference and flags one above the relative tolerance', async () => {
    const original = digits();
    const feeds = checkFeeds(original, 3);
    const same = await checkOutputs({ path: DIGITS }, { bytes: encodeModel(original) }, feeds);
    expect(same).toEqual({ maxAbsDiff: 0, maxRelDiff: 0 });
    const moved = await checkOutputs({ path: DIGITS }, { bytes: encodeModel(shiftedBias(original, 0.5)) }, feeds);
    // float32 addition of 0.5 to a logit: the difference is 0.5 up to one rounding of the logit.
    expect(moved.maxAbsDiff).toBeCloseTo(0.5, 5);
    expect(moved.maxRelDiff!).toBeGreaterThan(RELATIVE_TOLERANCE);
    expect(moved.problem).toMatch(/^its outputs differ from the original's by up to 0\.500 \(.* relative, more than the 0\.0001 allowed\)$/);
  });

  it('says so when the converted model cannot be loaded', async () => {
    const broken = { ...digits(), graph: { ...digits().graph!, node: digits().graph!.node!.map((n) => (n.opType === 'Relu' ? { ...n, opType: 'NoSuchOp' } : n)) } };
    const result = await checkOutputs({ path: DIGITS }, { bytes: encodeModel(broken) }, checkFeeds(digits()));
    expect(result.maxAbsDiff).toBeNull();
    expect(result.problem).toMatch(/^ONNX Runtime cannot load the converted model \(/);
  });
});
