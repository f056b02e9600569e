import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { NpyExportError, tensorToNpy } from '../../../shared/model/npy-writer.js';
import { tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

describe('saving a tensor as .npy, against numpy', () => {
  it('writes every numeric element type, from raw_data and from the typed fields, as numpy reads the tensor', () => {
    const dir = tempDir();
    const model = path.join(dir, 'dtypes.onnx');
    // Each dtype twice: raw_data (numpy_helper.from_array) and the typed field (helper.make_tensor, raw=False).
    runPython(
      `
import numpy as np, onnx, sys
from onnx import helper, numpy_helper, TensorProto
rng = np.random.default_rng(7)
arrays = {
  "f32": rng.standard_normal((3, 4)).astype(np.float32), "f64": rng.standard_normal((5,)), "f16": rng.standard_normal((2, 3)).astype(np.float16),
  "i8": rng.integers(-128, 127, (6,)).astype(np.int8), "u8": rng.integers(0, 255, (2, 2, 2)).astype(np.uint8),
  "i16": rng.integers(-3000, 3000, (4,)).astype(np.int16), "u16": rng.integers(0, 60000, (4,)).astype(np.uint16),
  "i32": rng.integers(-2**31, 2**31 - 1, (3,)).astype(np.int32), "i64": np.array([2**62 + 1, -2**63, 5], dtype=np.int64),
  "u32": np.array([2**32 - 1, 3], dtype=np.uint32), "u64": np.array([2**64 - 1, 9], dtype=np.uint64), "b": np.array([True, False, True]),
  "scalar": np.array(2.5, dtype=np.float32),
}
inits = []
for name, a in arrays.items():
    inits.append(numpy_helper.from_array(a, name + "_raw"))
    t = helper.make_tensor(name + "_typed", helper.np_dtype_to_tensor_dtype(a.dtype) if hasattr(helper, "np_dtype_to_tensor_dtype") else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype], a.shape,
                           a.flatten().view(np.uint16).tolist() if a.dtype == np.float16 else a.flatten().tolist(), raw=False)
    inits.append(t)
g = helper.make_graph([], "g", [], [], initializer=inits)
onnx.save(helper.make_model(g), sys.argv[1])
`,
      [model],
    );
    const decoded = decodeModel(readFileSync(model));
    const names: string[] = [];
    for (const t of decoded.graph!.initializer!) {
      writeFileSync(path.join(dir, `${t.name}.npy`), tensorToNpy(t));
      names.push(t.name!);
    }
    const verdicts = runPython(
      `
import numpy as np, onnx, sys
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
for t in m.graph.initializer:
    expected = numpy_helper.to_array(t)
    ours = np.load(f"{sys.argv[2]}/{t.name}.npy")
    same = ours.dtype == expected.dtype and ours.shape == expected.shape and np.array_equal(ours, expected)
    print(t.name, "same" if same else f"differs {ours.dtype} {ours.shape} {expected.dtype} {expected.shape}")
`,
      [model, dir],
    );
    expect(names.length).toBe(26);
    expect(verdicts.trim().split('\n')).toEqual(names.map((n) => `${n} same`));
  });

  it('refuses a string tensor in one sentence', () => {
    const t = { name: 'labels', dataType: 8, dims: [1], stringData: [new TextEncoder().encode('cat')] };
    expect(() => tensorToNpy(t)).toThrow(new NpyExportError("'labels' is a string tensor, which NumPy cannot hold; only numeric and bool tensors save as .npy"));
  });
});
