import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { collapseCasts } from '../../../shared/simplify/collapse-casts.js';
import { removeDeadNodes } from '../../../shared/simplify/remove-dead-nodes.js';
import { runToFixedPoint } from '../../../shared/simplify/run-passes.js';
import { model, node, tensorValue } from '../../helpers/model-builder.js';
import { onnxCheck, opTypes, runOrt } from '../../helpers/onnx-oracles.js';

const ctx = { inputShapes: {} };
const cast = (input: string, output: string, to: number) => node('Cast', [input], [output], `cast_${output}`, { attribute: [{ name: 'to', type: 2, i: to }] });

function chain(inputType: number, via: number, to: number): ModelProto {
  return model({
    node: [cast('x', 'a', via), cast('a', 'b', to), node('Identity', ['b'], ['y'])],
    input: [tensorValue('x', [4], inputType)],
    output: [tensorValue('y', [4], to)],
  });
}

describe('casts pass', () => {
  it('removes a float -> double -> float round trip (exact) and a Cast to the type a value already has', async () => {
    const m = chain(1, 11, 1);
    const out = (await runToFixedPoint(m, [collapseCasts, removeDeadNodes], [], ctx)).model;
    expect(opTypes(out)).toEqual(['Identity']);
    expect(out.graph!.node![0]!.input).toEqual(['x']);
    onnxCheck(out);
    const feeds = { x: new ort.Tensor('float32', Float32Array.from([0.1, -3.3e38, 1e-30, 7]), [4]) };
    expect(await runOrt(out, feeds)).toEqual(await runOrt(m, feeds));
  });

  it('collapses int32 -> int64 -> float to one Cast (int64 holds every int32), with the same result', async () => {
    const m = chain(6, 7, 1);
    const out = (await runToFixedPoint(m, [collapseCasts, removeDeadNodes], [], ctx)).model;
    expect(opTypes(out)).toEqual(['Cast', 'Identity']);
    expect(out.graph!.node![0]!.input).toEqual(['x']);
    const feeds = { x: new ort.Tensor('int32', Int32Array.from([16777217, -2147483648, 3, 0]), [4]) };
    expect(await runOrt(out, feeds)).toEqual(await runOrt(m, feeds));
  });

  it('keeps int32 -> float -> int32, which rounds 16777217 to 16777216', async () => {
    const m = chain(6, 1, 6);
    const result = collapseCasts.run(m, ctx) as { model: ModelProto; changed: number };
    expect(result.changed).toBe(0);
    const feeds = { x: new ort.Tensor('int32', Int32Array.from([16777217, 1, 2, 3]), [4]) };
    expect((await runOrt(m, feeds)).y![0]).toBe(16777216);
  });
});
