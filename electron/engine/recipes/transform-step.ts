import type { RecipeStep } from '../../../shared/recipe/recipe.js';
import { SIMPLIFY_COMMAND } from '../simplify/simplify-document.js';

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type TransformStep = Without<Extract<RecipeStep, { kind: 'simplify' | 'convert' }>, 'id' | 'model'>;

/** The dims and values the transform's check ran on, as its history entry recorded them. */
function checkInputsOf(p: Record<string, unknown>): { inputShapes?: Record<string, number[]>; inputValues?: Record<string, number> } {
  return {
    ...(p.inputShapes ? { inputShapes: p.inputShapes as Record<string, number[]> } : {}),
    ...(p.inputValues ? { inputValues: p.inputValues as Record<string, number> } : {}),
  };
}

/**
 * A history entry that is a whole-model transform, as the recipe step it becomes: a simplify, or a
 * conversion of the default opset (a setOpset edit, whichever way the user asked for it). Other
 * entries are plain edits and stay inside edit steps.
 */
export function transformStep(entry: { command: string; params: unknown }): TransformStep | undefined {
  const p = (entry.params ?? {}) as Record<string, unknown>;
  if (entry.command === SIMPLIFY_COMMAND) {
    return {
      kind: 'simplify',
      ...checkInputsOf(p),
      ...(p.checkShapes ? { checkShapes: p.checkShapes as Record<string, number[]> } : {}),
      ...(p.skip ? { skip: p.skip as string[] } : {}),
      ...(p.force === true ? { force: true } : {}),
    };
  }
  if (entry.command === 'setOpset' && (p.domain === '' || p.domain === 'ai.onnx') && typeof p.version === 'number') {
    return { kind: 'convert', opset: p.version, ...checkInputsOf(p), ...(p.force === true ? { force: true } : {}) };
  }
  return undefined;
}
