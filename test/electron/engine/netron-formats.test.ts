import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { CONFORMANCE_ROOT, DIGITS, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const client = () => createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));

/** python-onnx writes a model whose weight lives in an external data file named as onnx names it. */
function modelWithExternalData(dir: string, dataName: string): string {
  const file = path.join(dir, 'model.onnx');
  runPython(
    `import onnx, numpy as np, sys
from onnx import helper, numpy_helper
w = numpy_helper.from_array(np.arange(4096, dtype=np.float32).reshape(64, 64), 'w')
g = helper.make_graph([helper.make_node('MatMul', ['x', 'w'], ['y'], name='mm')], 'g',
    [helper.make_tensor_value_info('x', 1, [1, 64])], [helper.make_tensor_value_info('y', 1, [1, 64])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])
onnx.save_model(m, sys.argv[1], save_as_external_data=True, all_tensors_to_one_file=True, location=sys.argv[2], size_threshold=0)`,
    [file, dataName],
  );
  return file;
}

describe('files Netron opens beside the .onnx', () => {
  it('opens the model when its external data file (.onnx.data or .onnx_data) is picked', async () => {
    for (const dataName of ['model.onnx.data', 'model.onnx_data']) {
      const dir = tempDir();
      modelWithExternalData(dir, dataName);
      const api = client();
      const info = await api.openModel({ source: { kind: 'path', path: path.join(dir, dataName) } });
      expect(info.fileName).toBe('model.onnx');
      expect(info.summary.externalDataBytes).toBe(4096 * 4);
      const stats = await api.getTensorStats({ docId: info.docId, graphPath: 'main', name: 'w' });
      expect([stats.min, stats.max]).toEqual([0, 4095]);
    }
  });

  it('saves an external-data weight as .npy to a path, numpy reading the same array, and will not overwrite unasked', async () => {
    const dir = tempDir();
    const file = modelWithExternalData(dir, 'weights.bin');
    const api = client();
    const { docId } = await api.openModel({ source: { kind: 'path', path: file } });
    const out = path.join(dir, 'w.npy');
    const result = await api.exportTensor({ docId, graphPath: 'main', name: 'w', target: { kind: 'path', path: out } });
    expect(result).toMatchObject({ fileName: 'w.npy', path: out });
    expect(runPython('import numpy as np, sys\na = np.load(sys.argv[1])\nprint(a.dtype, a.shape, bool((a == np.arange(4096, dtype=np.float32).reshape(64, 64)).all()))', [out]).trim()).toBe('float32 (64, 64) True');
    await expect(api.exportTensor({ docId, graphPath: 'main', name: 'w', target: { kind: 'path', path: out } })).rejects.toThrow(`'${out}' already exists; confirm overwriting or choose another name.`);
    await expect(api.exportTensor({ docId, graphPath: 'main', name: 'nope', target: { kind: 'path', path: path.join(dir, 'n.npy') } })).rejects.toThrow("There is no constant tensor 'nope' in this graph.");
    expect(existsSync(path.join(dir, 'n.npy'))).toBe(false);
  });

  it('opens a lone TensorProto (a conformance test input) and a lone GraphProto as python-onnx reads them', async () => {
    const dir = tempDir();
    const tensorFile = path.join(CONFORMANCE_ROOT, 'node', 'test_conv_with_strides_padding', 'test_data_set_0', 'input_1.pb');
    const graphFile = path.join(dir, 'graph.pb');
    const facts = JSON.parse(
      runPython(
        'import onnx, sys, json\nfrom onnx import numpy_helper\nt = onnx.TensorProto.FromString(open(sys.argv[1], "rb").read())\na = numpy_helper.to_array(t)\nm = onnx.load(sys.argv[2])\nopen(sys.argv[3], "wb").write(m.graph.SerializeToString())\nprint(json.dumps({"name": t.name, "dims": list(t.dims), "min": float(a.min()), "max": float(a.max()), "nodes": [n.op_type for n in m.graph.node]}))',
        [tensorFile, DIGITS, graphFile],
      ),
    ) as { name: string; dims: number[]; min: number; max: number; nodes: string[] };
    const api = client();
    const tensor = await api.openModel({ source: { kind: 'path', path: tensorFile } });
    const name = facts.name || 'tensor';
    expect(tensor.summary.graph.outputs).toEqual([{ name, type: 'float32', shape: facts.dims }]);
    const stats = await api.getTensorStats({ docId: tensor.docId, graphPath: 'main', name });
    expect([stats.min, stats.max]).toEqual([facts.min, facts.max]);
    const graph = await api.openModel({ source: { kind: 'path', path: graphFile } });
    const view = await api.getGraphView({ docId: graph.docId, graphPath: 'main' });
    expect(view.nodes.map((n) => n.opType)).toEqual(facts.nodes);
    // Nothing is invented: the missing opset_import is reported.
    expect(graph.problems.length).toBeGreaterThan(0);
  });

  it('names the line of a broken text model and the field of a broken JSON one', async () => {
    const dir = tempDir();
    const text = path.join(dir, 'broken.onnxtxt');
    writeFileSync(text, '<ir_version: 8, opset_import: ["" : 15]>\ng (float[2] x) => (float[2] y) { y = Relu(x) ');
    await expect(client().openModel({ source: { kind: 'path', path: text } })).rejects.toThrow("'broken.onnxtxt' is not a valid ONNX text model: expected '}' at line 2, column 46 but found the end of the text.");
    const json = path.join(dir, 'broken.json');
    writeFileSync(json, '{"irVersion": "8", "graph": {"nodes": []}}');
    await expect(client().openModel({ source: { kind: 'path', path: json } })).rejects.toThrow("'broken.json' is not a valid ONNX JSON model: graph.nodes is not a field of GraphProto.");
  });
});
