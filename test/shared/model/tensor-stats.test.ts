import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensorStats } from '../../../shared/model/tensor-stats.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { DIGITS } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

describe('tensor statistics', () => {
  it('match numpy on every initializer of the digits model', () => {
    const model = decodeModel(readFileSync(DIGITS));
    const expected = JSON.parse(
      runPython(
        `import onnx, sys, json
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
out = {}
for t in m.graph.initializer:
    a = numpy_helper.to_array(t).astype("float64").ravel()
    out[t.name] = [float(a.min()), float(a.max()), float(a.mean()), float(a.std()), int((a == 0).sum()), [float(v) for v in a[:5]]]
print(json.dumps(out))`,
        [DIGITS],
      ),
    ) as Record<string, [number, number, number, number, number, number[]]>;
    for (const t of model.graph!.initializer!) {
      const s = tensorStats(t);
      const [min, max, mean, std, zeros, first] = expected[t.name!]!;
      expect(s.numeric).toBe(true);
      expect(s.min).toBeCloseTo(min, 6);
      expect(s.max).toBeCloseTo(max, 6);
      expect(s.mean).toBeCloseTo(mean, 6);
      expect(s.std).toBeCloseTo(std, 5);
      expect(s.zeros).toBe(zeros);
      first.forEach((v, i) => expect(s.first![i]).toBeCloseTo(v, 6));
      expect(s.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(s.elements);
    }
  });

  it('reads float16, int64 and int32-stored int8 values, and declines types it cannot read', () => {
    const half = tensorStats({ name: 'h', dims: [3], dataType: 10, rawData: new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x00]) });
    expect(half.first).toEqual([1, -2, 0]);
    const i64 = tensorStats({ name: 'l', dims: [2], dataType: 7, int64Data: [5, -3] });
    expect([i64.min, i64.max]).toEqual([-3, 5]);
    const i8 = tensorStats({ name: 'b', dims: [2], dataType: 3, int32Data: [-128, 127] });
    expect([i8.min, i8.max]).toEqual([-128, 127]);
    expect(tensorStats({ name: 's', dims: [1], dataType: 8, stringData: [new Uint8Array([65])] }).numeric).toBe(false);
  });
});
