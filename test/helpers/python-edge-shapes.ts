import { formatShape } from '../../shared/model/format.js';
import type { Dim } from '../../shared/model/tensor-info.js';
import { runPython } from './python.js';

/** A dim as python-onnx's shape inference gives it: a number, a symbol, or null where it has neither. */
export type PythonDim = number | string | null;

const SCRIPT = `import json, sys, onnx
from onnx import shape_inference
m = shape_inference.infer_shapes(onnx.load(sys.argv[1]), data_prop=True)
known = {}
for v in list(m.graph.value_info) + list(m.graph.output) + list(m.graph.input):
    t = v.type.tensor_type
    if v.type.HasField("tensor_type") and t.HasField("shape"):
        known[v.name] = [d.dim_value if d.HasField("dim_value") else (d.dim_param or None) for d in t.shape.dim]
out = {}
for n in m.graph.node:
    for o in n.output:
        if o:
            out[o] = known.get(o)
print(json.dumps(out))`;

/**
 * python-onnx's shape inference (with data propagation) on a model file: for every value a node of
 * the main graph produces, its dims, or null where python infers no shape for it.
 */
export function pythonNodeOutputShapes(file: string): Record<string, PythonDim[] | null> {
  return JSON.parse(runPython(SCRIPT, [file])) as Record<string, PythonDim[] | null>;
}

/**
 * Where our inferred shape disagrees with python's, in words; undefined when they agree. Python's own
 * symbols for dims it cannot name ('unk__3') and its unknown dims accept anything; every dim python
 * knows as a number or as an input's symbol must be the same in ours.
 */
export function disagreement(ours: Dim[] | null | undefined, theirs: PythonDim[] | null): string | undefined {
  if (theirs === null) return undefined;
  if (!ours) return `we have no shape, python has [${theirs.join(',')}]`;
  if (ours.length !== theirs.length) return `rank ${ours.length} against python's ${theirs.length}`;
  const bad = theirs.findIndex((d, i) => d !== null && !(typeof d === 'string' && d.startsWith('unk__')) && d !== ours[i]);
  return bad < 0 ? undefined : `dim ${bad} is ${String(ours[bad])}, python has ${String(theirs[bad])}`;
}

/** The label text our edges show for a shape. */
export const edgeText = (shape: Dim[]) => formatShape(shape, '×');
