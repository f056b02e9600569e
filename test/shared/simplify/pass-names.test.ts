import { describe, expect, it } from 'vitest';
import { SIMPLIFY_PASS_NAMES } from '../../../shared/simplify/pass-names.js';
import { PASS_NAMES } from '../../../shared/simplify/simplify-passes.js';

describe('simplify pass names', () => {
  it('lists the passes the engine runs, in their order', () => {
    expect(SIMPLIFY_PASS_NAMES).toEqual(PASS_NAMES);
  });
});
