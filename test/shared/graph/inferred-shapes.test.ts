import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferredShapesOf } from '../../../shared/graph/inferred-shapes.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { disagreement, pythonNodeOutputShapes, type PythonDim } from '../../helpers/python-edge-shapes.js';
import { CONFORMANCE_ROOT, DIGITS, fixture } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

// Torch exports of the shapes the viewer must label: a MobileNetV2 (Identity weights, Constant Clip
// bounds, no value_info) and a transformer encoder with symbolic batch and sequence axes.
const MODELS = [DIGITS, fixture('mobilenet-v2-tiny.onnx'), fixture('transformer-encoder.onnx')];

describe('inferred shapes for the edges of a view', () => {
  for (const file of MODELS) {
    it(`gives every value of ${file.split('/').pop()} a shape, as python-onnx's shape inference does`, () => {
      const model = decodeModel(readFileSync(file));
      // The file itself declares no intermediate shapes: every one below is inferred.
      expect(model.graph?.valueInfo ?? []).toHaveLength(0);
      const ours = inferredShapesOf(model, 'main')!;
      const python = pythonNodeOutputShapes(file);
      const names = Object.keys(python);
      expect(names.length).toBe((model.graph?.node ?? []).reduce((n, node) => n + (node.output ?? []).filter(Boolean).length, 0));
      const problems = names.flatMap((name) => {
        const shape = ours.values[name]?.shape;
        if (!shape) return [`${name}: no shape`];
        const d = disagreement(shape, python[name]!);
        return d ? [`${name}: ${d}`] : [];
      });
      expect(problems).toEqual([]);
    });
  }

  it('keeps symbolic dims as the names the inputs give them', () => {
    const file = fixture('transformer-encoder.onnx');
    const ours = inferredShapesOf(decodeModel(readFileSync(file)), 'main')!;
    const python = pythonNodeOutputShapes(file);
    // Where python names a dim after an input's axis, ours carries the same name, not '?'.
    const named = Object.entries(python).filter(([, s]) => s?.some((d) => d === 'batch' || d === 'sequence'));
    expect(named.length).toBeGreaterThan(20);
    for (const [name, shape] of named) {
      shape!.forEach((d, i) => {
        if (d === 'batch' || d === 'sequence') expect(ours.values[name]!.shape![i], `${name} dim ${i}`).toBe(d);
      });
    }
  });

  it("labels the values of a Loop body too, as python-onnx infers them", () => {
    const file = path.join(CONFORMANCE_ROOT, 'node', 'test_loop11', 'model.onnx');
    const ours = inferredShapesOf(decodeModel(readFileSync(file)), 'main/0/body')!;
    const python = JSON.parse(
      runPython(
        `import json, sys, onnx
from onnx import shape_inference
m = shape_inference.infer_shapes(onnx.load(sys.argv[1]))
body = [a.g for a in m.graph.node[0].attribute if a.name == "body"][0]
known = {v.name: [d.dim_value if d.HasField("dim_value") else None for d in v.type.tensor_type.shape.dim] for v in list(body.value_info) + list(body.output) if v.type.tensor_type.HasField("shape")}
print(json.dumps({o: known.get(o) for n in body.node for o in n.output}))`,
        [file],
      ),
    ) as Record<string, PythonDim[] | null>;
    expect(Object.keys(ours.values).sort()).toEqual(Object.keys(python).sort());
    for (const [name, shape] of Object.entries(python)) expect(disagreement(ours.values[name]!.shape, shape), name).toBeUndefined();
  });

  it('answers undefined for a graph the model does not have', () => {
    expect(inferredShapesOf(decodeModel(readFileSync(DIGITS)), 'main/99/body')).toBeUndefined();
  });
});
