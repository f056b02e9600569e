import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../shared/analysis/shape-inference.js';
import { dimUses, monomialDim, parseMonomial, sameDim } from '../../../shared/analysis/dim-monomial.js';
import { model, node } from '../../helpers/model-builder.js';
import { int64Tensor } from '../../helpers/torch-pattern-model.js';

describe('symbolic dims as monomials', () => {
  it('reads products and quotients of numbers and symbols, and nothing else', () => {
    expect(parseMonomial('((batch*12)*16.5)/198')).toEqual({ coefficient: 1, symbols: ['batch'] });
    expect(parseMonomial('seq*batch*2')).toEqual({ coefficient: 2, symbols: ['batch', 'seq'] });
    expect(parseMonomial(64)).toEqual({ coefficient: 64, symbols: [] });
    expect(parseMonomial('batch+1')).toBeUndefined();
    expect(parseMonomial('12/batch')).toBeUndefined();
    expect(parseMonomial(null)).toBeUndefined();
  });

  it('writes whole coefficients only, and compares spellings of one size', () => {
    expect(monomialDim({ coefficient: 12, symbols: ['batch'] })).toBe('batch*12');
    expect(monomialDim({ coefficient: 1, symbols: ['batch'] })).toBe('batch');
    expect(monomialDim({ coefficient: 1.5, symbols: ['batch'] })).toBeNull();
    expect(sameDim('12*batch', 'batch*12')).toBe(true);
    expect(sameDim('batch*12', 'batch*6')).toBe(false);
    expect(dimUses('batch*12', 'batch')).toBe(true);
    expect(dimUses('batches', 'batch')).toBe(false);
  });

  it("gives Reshape's -1 a clean symbolic size through an attention block's reshapes", () => {
    // [5, batch, 8] -> [5, -1, 4] -> [-1, 8]: 'batch*2' then 'batch*5', where plain division wrote
    // '((batch*2)*2.5)'-style text that no later rule could read.
    const m = model({
      node: [node('Reshape', ['x', 'heads'], ['h'], 'to_heads'), node('Reshape', ['h', 'rows'], ['r'], 'to_rows')],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 5 }, { dimParam: 'batch' }, { dimValue: 8 }] } } } }],
      output: [{ name: 'r', type: { tensorType: { elemType: 1 } } }],
      initializer: [int64Tensor('heads', [3], [5, -1, 4]), int64Tensor('rows', [2], [-1, 8])],
    });
    const facts = inferShapes(m).facts;
    expect(facts.get('h')!.shape).toEqual([5, 'batch*2', 4]);
    expect(facts.get('r')!.shape).toEqual(['batch*5', 8]);
  });
});
