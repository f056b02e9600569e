import type { LayerError } from '../metrics/compare-types.js';

/**
 * The order in which accuracy-aware quantization leaves tensors in float: worst local SQNR first (the
 * error a tensor's own Q/DQ adds, not what it inherits from the layers before, which is largest at the end
 * of the network whichever layer caused it). A tensor whose Q/DQ adds no error at all (local SQNR
 * infinite, stored as null: MaxPool, Flatten or Reshape outputs that keep their input's scale) or whose
 * local error was not measured is never chosen, since keeping it in float cannot help. Ties fall to the
 * worse accumulated SQNR, then to the tensor name, so the same measurements always give the same order.
 */
export function exclusionOrder(layers: readonly LayerError[]): LayerError[] {
  const measured = layers.filter((l) => typeof l.localSqnrDb === 'number' && Number.isFinite(l.localSqnrDb));
  const accumulated = (l: LayerError) => l.sqnrDb ?? Number.POSITIVE_INFINITY;
  return measured.sort(
    (a, b) => a.localSqnrDb! - b.localSqnrDb! || accumulated(a) - accumulated(b) || (a.tensor < b.tensor ? -1 : a.tensor > b.tensor ? 1 : 0),
  );
}
