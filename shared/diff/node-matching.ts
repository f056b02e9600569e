import type { DiffSide } from './diff-side.js';

/** A's node index -> B's, and back. */
export interface NodeMatching {
  readonly aToB: ReadonlyMap<number, number>;
  readonly bToA: ReadonlyMap<number, number>;
}

/** Whether value `a` of side A and value `b` of side B stand for the same thing under the matching so far. */
export function valuesCorrespond(a: string, b: string, A: DiffSide, B: DiffSide, bToA: ReadonlyMap<number, number>): boolean {
  if (!a || !b) return !a && !b;
  const pa = A.producer(a);
  const pb = B.producer(b);
  if (pa && pb) return bToA.get(pb[0]) === pa[0] && pa[1] === pb[1];
  if (pa || pb) return false;
  const aInit = A.index.initializers.has(a);
  const bInit = B.index.initializers.has(b);
  // Weights are compared by value later; at a matched position they are the same input.
  if (aInit || bInit) return aInit && bInit;
  return a === b || (A.graphInputs.indexOf(a) >= 0 && A.graphInputs.indexOf(a) === B.graphInputs.indexOf(b));
}

function inputsCorrespond(ia: number, ib: number, A: DiffSide, B: DiffSide, bToA: ReadonlyMap<number, number>): boolean {
  const xa = A.inputs.get(ia)!;
  const xb = B.inputs.get(ib)!;
  return xa.length === xb.length && xa.every((r, k) => valuesCorrespond(r.tensor, xb[k]!.tensor, A, B, bToA));
}

/** The A value that B's value `b` stands for, when its producer is matched or it is a graph input. */
function counterpart(b: string, A: DiffSide, B: DiffSide, bToA: ReadonlyMap<number, number>): string | undefined {
  const pb = B.producer(b);
  if (pb) {
    const ia = bToA.get(pb[0]);
    return ia === undefined ? undefined : A.node(ia).output?.[pb[1]];
  }
  // Weights keep their names across most edits; a node reading only weights is found through them.
  if (B.index.initializers.has(b)) return A.index.initializers.has(b) ? b : undefined;
  const k = B.graphInputs.indexOf(b);
  if (k < 0) return undefined;
  return A.graphInputs.includes(b) ? b : A.graphInputs[k];
}

/**
 * Matches nodes by name first (unique names with the same op type), then by structure until nothing
 * more matches: forward, a node whose inputs come from matched nodes matches an unmatched reader of
 * the same values with the same op type; backward, the unmatched producer of a matched node's input.
 * So renamed nodes still match, and only what really changed is left over.
 */
export function matchNodes(A: DiffSide, B: DiffSide): NodeMatching {
  const aToB = new Map<number, number>();
  const bToA = new Map<number, number>();
  const pair = (ia: number, ib: number) => {
    aToB.set(ia, ib);
    bToA.set(ib, ia);
  };
  const uniqueNames = (side: DiffSide) => {
    const seen = new Map<string, number>();
    const dup = new Set<string>();
    for (const i of side.core) {
      const name = side.node(i).name ?? '';
      if (!name) continue;
      if (seen.has(name)) dup.add(name);
      else seen.set(name, i);
    }
    for (const d of dup) seen.delete(d);
    return seen;
  };
  const aNames = uniqueNames(A);
  for (const [name, ib] of uniqueNames(B)) {
    const ia = aNames.get(name);
    if (ia !== undefined && A.node(ia).opType === B.node(ib).opType) pair(ia, ib);
  }
  for (let progress = true; progress; ) {
    progress = false;
    for (const ib of B.core) {
      if (bToA.has(ib)) continue;
      const nb = B.node(ib);
      for (const input of B.inputs.get(ib)!) {
        const a = input.tensor ? counterpart(input.tensor, A, B, bToA) : undefined;
        if (a === undefined) continue;
        const found = (A.readers.get(a) ?? []).find(
          ([ia]) => !aToB.has(ia) && A.node(ia).opType === nb.opType && (A.node(ia).domain ?? '') === (nb.domain ?? '') && inputsCorrespond(ia, ib, A, B, bToA),
        );
        if (found) {
          pair(found[0], ib);
          progress = true;
          break;
        }
      }
    }
    for (const ib of [...B.core].reverse()) {
      if (bToA.has(ib)) continue;
      const nb = B.node(ib);
      outputs: for (const [k, out] of (nb.output ?? []).entries()) {
        for (const [reader, position] of B.readers.get(out) ?? []) {
          const ra = bToA.get(reader);
          if (ra === undefined) continue;
          const aValue = A.inputs.get(ra)?.[position]?.tensor;
          const pa = aValue ? A.producer(aValue) : undefined;
          if (pa && pa[1] === k && !aToB.has(pa[0]) && A.node(pa[0]).opType === nb.opType) {
            pair(pa[0], ib);
            progress = true;
            break outputs;
          }
        }
      }
    }
  }
  return { aToB, bToA };
}
