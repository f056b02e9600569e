import { describe, expect, it } from 'vitest';
import { DEFAULT_OTHER_DIM, resolveInputShapes, shapesAtBatch } from '../../../shared/profile/input-shapes.js';

describe('profile input shapes', () => {
  it('takes unnamed dims as a batch on axis 0 and as the other default elsewhere, each reported by input and axis', () => {
    const r = resolveInputShapes([
      { name: 'image', shape: [null, 3, null, null] },
      { name: 'scale', shape: [] },
    ]);
    expect(r.shapes).toEqual({ image: [1, 3, DEFAULT_OTHER_DIM, DEFAULT_OTHER_DIM], scale: [] });
    expect(r.assumed).toEqual({ 'image[0]': 1, 'image[2]': DEFAULT_OTHER_DIM, 'image[3]': DEFAULT_OTHER_DIM });
    expect(r.batchAxes).toEqual({ image: [0] });
    expect(shapesAtBatch(r, 8)).toEqual({ image: [8, 3, DEFAULT_OTHER_DIM, DEFAULT_OTHER_DIM], scale: [] });
  });

  it('batches the batch symbol wherever it appears, and not a different symbol on a later axis', () => {
    // Sequence-first attention: the key padding mask is [batch, seq], the source [seq, batch, d].
    const r = resolveInputShapes([
      { name: 'mask', shape: ['batch', 'seq'] },
      { name: 'src', shape: ['seq', 'batch', 16] },
    ]);
    expect(r.shapes).toEqual({ mask: [1, DEFAULT_OTHER_DIM], src: [DEFAULT_OTHER_DIM, 1, 16] });
    expect(r.batchAxes).toEqual({ mask: [0], src: [1] });
    expect(shapesAtBatch(r, 4)).toEqual({ mask: [4, DEFAULT_OTHER_DIM], src: [DEFAULT_OTHER_DIM, 4, 16] });
  });

  it('has no batch for fully fixed inputs, and asks for dims where the model records no shape', () => {
    expect(resolveInputShapes([{ name: 'x', shape: [1, 4] }])).toEqual({ shapes: { x: [1, 4] }, assumed: {}, batchAxes: {} });
    expect(() => resolveInputShapes([{ name: 'x', shape: null }])).toThrow("Input 'x' has no shape in the model; give its dims (on the command line: --shape x=DIMS).");
    expect(resolveInputShapes([{ name: 'x', shape: null }], { x: [2, 5] }).shapes).toEqual({ x: [2, 5] });
  });
});
