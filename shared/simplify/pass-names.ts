/**
 * The names of simplify's passes in the order they run, with constant folding's last: what `--skip`
 * and the Simplify form offer. Kept apart from the passes so the renderer lists them without loading
 * the passes; test/shared/simplify/pass-names.test.ts checks the two agree.
 */
export const SIMPLIFY_PASS_NAMES: readonly string[] = ['identity', 'casts', 'shared-initializers', 'batch-norm', 'reshape', 'shapes-to-constants', 'dead-nodes', 'value-info', 'constant-folding'];
