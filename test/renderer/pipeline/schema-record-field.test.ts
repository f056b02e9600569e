import { describe, expect, it } from 'vitest';
import { SIMPLIFY_STEP } from '../../../shared/recipe/recipe.js';
import { fieldErrors, formatRecord, parseRecord } from '../../../renderer/src/pipeline/schema-fields.js';

const params = SIMPLIFY_STEP.omit({ id: true, kind: true, model: true }).strict();

describe("the pipeline inspector's dims and values fields", () => {
  it('reads typed dims and values into the records the simplify step takes, and shows them back as typed', () => {
    const inputShapes = parseRecord('input=1x3x224x224, state=2×1×128', true);
    const inputValues = parseRecord('sr=16000', false);
    expect(inputShapes).toEqual({ input: [1, 3, 224, 224], state: [2, 1, 128] });
    expect(inputValues).toEqual({ sr: 16000 });
    expect(fieldErrors(params, { inputShapes, inputValues })).toEqual({});
    expect(formatRecord(inputShapes)).toBe('input=1x3x224x224, state=2x1x128');
    expect(parseRecord('', true)).toBeUndefined();
  });

  it('keeps what cannot be read, so the field shows the schema error instead of losing the text', () => {
    expect(parseRecord('input', true)).toBe('input');
    expect(Object.keys(fieldErrors(params, { inputShapes: parseRecord('input', true) }))).toEqual(['inputShapes']);
    expect(Object.keys(fieldErrors(params, { inputShapes: parseRecord('input=1xa', true) }))).toEqual(['inputShapes.input.1']);
    expect(Object.keys(fieldErrors(params, { inputValues: parseRecord('sr=fast', false) }))).toEqual(['inputValues.sr']);
  });
});
