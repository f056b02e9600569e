# Prints, for each model path on stdin (one per line), the fully known shapes python onnx's shape
# inference with data propagation gives every value: {path: {value: {elemType, shape}}}, or
# {path: null} where it refuses the model. Non-strict: a node it cannot infer leaves its outputs out.
import json
import sys

import onnx
from onnx import shape_inference

out = {}
for line in sys.stdin:
    path = line.strip()
    if not path:
        continue
    try:
        m = shape_inference.infer_shapes(onnx.load(path), data_prop=True)
    except Exception:
        out[path] = None
        continue
    shapes = {}
    for v in list(m.graph.value_info) + list(m.graph.output):
        t = v.type.tensor_type
        if not v.type.HasField("tensor_type") or not t.HasField("shape"):
            continue
        dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
        if all(d is not None for d in dims):
            shapes[v.name] = {"elemType": t.elem_type, "shape": dims}
    out[path] = shapes
print(json.dumps(out))
