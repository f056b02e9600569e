import { describe, expect, it } from 'vitest';
import { bestOf, compareToCsv, compareToHtml, METRIC_ROWS } from '../../../shared/metrics/compare-export.js';
import type { CompareResult, ModelMetrics } from '../../../shared/metrics/compare-types.js';
import { argmax, OutputErrorAccumulator, rankOf } from '../../../shared/metrics/output-metrics.js';
import { runPython } from '../../helpers/python.js';

describe('output error metrics', () => {
  it('computes cosine, SQNR and max error as their definitions say, across batches', () => {
    const acc = new OutputErrorAccumulator();
    acc.add([1, 2], [1, 2.5]);
    acc.add([3], [2]);
    // signal 1+4+9 = 14, noise 0.25+1 = 1.25
    expect(acc.sqnrDb).toBeCloseTo(10 * Math.log10(14 / 1.25), 10);
    expect(acc.cosine).toBeCloseTo((1 + 5 + 6) / Math.sqrt(14 * (1 + 6.25 + 4)), 10);
    expect(acc.maxAbsErr).toBe(1);
    const same = new OutputErrorAccumulator();
    same.add([1, -2], [1, -2]);
    expect(same.sqnrDb).toBe(Number.POSITIVE_INFINITY);
    expect(same.cosine).toBe(1);
    expect(argmax([0.1, 3, 2])).toBe(1);
    expect(rankOf([0.1, 3, 2], 2)).toBe(1);
  });

  it('ranks tied scores as numpy argmax and a stable sort do: a tie with an earlier class is a miss', () => {
    // Small integer scores tie often; labels include the first, middle and last class.
    let seed = 17;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const cases = Array.from({ length: 400 }, () => {
      const scores = Array.from({ length: 7 }, () => Math.floor(rand() * 3));
      return { scores, label: Math.floor(rand() * 7) };
    });
    const expected = JSON.parse(
      runPython(
        'import sys, json, numpy as np\nout = []\nfor c in json.loads(sys.stdin.read()):\n    v = np.array(c["scores"], dtype=np.float32)\n    order = list(np.argsort(-v, kind="stable"))\n    out.append([int(np.argmax(v)), order.index(c["label"])])\nprint(json.dumps(out))',
        [],
        JSON.stringify(cases),
      ),
    ) as [number, number][];
    cases.forEach((c, i) => {
      expect(argmax(c.scores)).toBe(expected[i]![0]);
      expect(rankOf(c.scores, c.label), JSON.stringify(c)).toBe(expected[i]![1]);
    });
    // Constant scores: only class 0 is a hit, as argmax says.
    expect(rankOf([1, 1, 1], 0)).toBe(0);
    expect(rankOf([1, 1, 1], 2)).toBe(2);
    // No valid label, no rank (formerly a label of -1 ranked 0: a top-1 hit).
    expect(rankOf([0.2, 0.5], -1)).toBeUndefined();
    expect(rankOf([0.2, 0.5], 2)).toBeUndefined();
  });
});

function metrics(label: string, over: Partial<ModelMetrics>): ModelMetrics {
  return { label, precision: 'fp32', sizeBytes: 100, latencyMsP50: 1, agreementTop1: 1, cosine: 1, sqnrDb: null, maxAbsErr: 0, outputs: [], ...over };
}

describe('comparison exports', () => {
  const result: CompareResult = {
    reference: 'a.onnx',
    dataset: 'eval',
    backend: 'cpu',
    samples: 10,
    skipped: 0,
    classes: ['x', 'y'],
    models: [
      metrics('a.onnx', { top1: 0.9, top5: 1 }),
      metrics('a.int8 <b>.onnx', { precision: 'int8', top1: 0.88, top5: 1, sizeBytes: 30, latencyMsP50: 0.5, agreementTop1: 0.9, cosine: 0.99, sqnrDb: 20, maxAbsErr: 0.5 }),
      metrics('a.fp16.onnx', { precision: 'fp16', top1: 0.9, top5: 1, sizeBytes: 50, agreementTop1: 1, cosine: 0.9999, sqnrDb: 50, maxAbsErr: 0.01 }),
    ],
    disagreements: [{ sample: 'y/1.png', label: 'y', reference: 'y', variants: { 'a.int8 <b>.onnx': 'x' } }],
    moreDisagreements: 0,
  };
  const row = (key: string) => METRIC_ROWS.find((r) => r.key === key)!;

  it('marks the best value per row; metrics against the reference are judged among the variants only', () => {
    expect([...bestOf(row('sizeBytes'), result.models)]).toEqual([1]);
    expect([...bestOf(row('top1'), result.models)]).toEqual([0, 2]);
    expect([...bestOf(row('sqnrDb'), result.models)]).toEqual([2]);
    expect([...bestOf(row('maxAbsErr'), result.models)]).toEqual([2]);
  });

  it('writes CSV with a column per model and HTML with names escaped and no script', () => {
    const csv = compareToCsv(result).trim().split('\n');
    expect(csv[0]).toBe('metric,a.onnx (fp32),a.int8 <b>.onnx (int8),a.fp16.onnx (fp16)');
    expect(csv.find((l) => l.startsWith('SQNR'))).toBe('SQNR (dB),inf,20,50');
    const html = compareToHtml(result);
    expect(html).toContain('a.int8 &lt;b&gt;.onnx');
    expect(html).not.toContain('<b>.onnx');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('class="best"');
  });
});
