import { describe, expect, it } from 'vitest';
import { cacheKeys } from '../../../shared/pipeline/cache-keys.js';
import { emptyPipeline, type Pipeline, type PipelineEdge } from '../../../shared/pipeline/pipeline.js';
import { parsePipelineFile } from '../../../shared/pipeline/pipeline-file.js';
import { PIPELINE_TEMPLATES } from '../../../shared/pipeline/templates.js';
import { canConnect, topologicalOrder, validatePipeline } from '../../../shared/pipeline/validate-pipeline.js';

const edge = (a: string, ap: string, b: string, bp: string): PipelineEdge => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });

/** model -> fp16, model -> int8 (calib), compare(reference model, variants fp16 + int8, eval). */
function matrix(): Pipeline {
  return {
    ...emptyPipeline('matrix'),
    nodes: [
      { id: 'model', kind: 'model-source', params: { name: 'm.onnx' } },
      { id: 'calib', kind: 'data-source', params: { name: 'calib' } },
      { id: 'eval', kind: 'data-source', params: { name: 'eval' } },
      { id: 'fp16', kind: 'fp16', params: {} },
      { id: 'int8', kind: 'int8-static', params: { method: 'minmax' } },
      { id: 'cmp', kind: 'compare', params: { thresholds: { maxTop1DropPoints: 1 } } },
    ],
    edges: [edge('model', 'model', 'fp16', 'model'), edge('model', 'model', 'int8', 'model'), edge('calib', 'data', 'int8', 'calibration'), edge('model', 'model', 'cmp', 'reference'), edge('fp16', 'model', 'cmp', 'variants'), edge('int8', 'model', 'cmp', 'variants'), edge('eval', 'data', 'cmp', 'data')],
  };
}

describe('pipeline validation', () => {
  it('accepts a well-formed pipeline', () => {
    expect(validatePipeline(matrix())).toEqual([]);
    expect(topologicalOrder(matrix())).toEqual(['model', 'calib', 'eval', 'fp16', 'int8', 'cmp']);
  });

  it('refuses a connection of the wrong port type where it is dropped', () => {
    expect(canConnect(matrix(), edge('eval', 'data', 'fp16', 'model'))).toBe('A dataset output cannot feed the model input of FP16: it takes a model.');
    expect(canConnect(matrix(), edge('model', 'model', 'int8', 'calibration'))).toBe('A model output cannot feed the calibration dataset input of INT8 static: it takes a dataset.');
  });

  it('refuses a second edge into a single input, and takes any number into a multi input', () => {
    const p = matrix();
    expect(canConnect(p, edge('int8', 'model', 'cmp', 'reference'))).toBe('The reference model input of Compare takes one input and already has one: remove that edge first.');
    p.nodes.push({ id: 'dyn', kind: 'int8-dynamic', params: {} });
    p.edges.push(edge('model', 'model', 'dyn', 'model'));
    expect(canConnect(p, edge('dyn', 'model', 'cmp', 'variants'))).toBe(true);
    expect(canConnect(p, edge('fp16', 'model', 'cmp', 'variants'))).toBe('FP16 is already connected to the variant models input of Compare.');
  });

  it('refuses a cycle, and a file holding one says where', () => {
    const p = matrix();
    p.nodes.push({ id: 'again', kind: 'set-dims', params: { dims: [{ axis: 0, value: 'batch' }] } });
    p.edges.push(edge('fp16', 'model', 'again', 'model'));
    // fp16 already takes its model from 'model'; rewire it to close a loop fp16 -> again -> fp16.
    p.edges = p.edges.filter((e) => !(e.to.node === 'fp16'));
    expect(canConnect(p, edge('again', 'model', 'fp16', 'model'))).toBe('Connecting Set dims / dynamic axes to FP16 would make a cycle: FP16 already feeds Set dims / dynamic axes.');
    expect(canConnect(p, edge('fp16', 'model', 'fp16', 'model'))).toBe('FP16 cannot take its own output: that would make a cycle.');
    const cyclic = { ...p, edges: [...p.edges, edge('again', 'model', 'fp16', 'model')] };
    expect(topologicalOrder(cyclic)).toBeUndefined();
    const problems = validatePipeline(cyclic);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'cycle', nodeId: 'fp16', edge: cyclic.edges.length - 1 }));
    expect(Object.values(cacheKeys(cyclic)).every((k) => k === '')).toBe(true);
  });

  it('flags every missing input with the sentence the UI shows on the node', () => {
    const p = matrix();
    p.edges = p.edges.filter((e) => e.to.port !== 'calibration' && e.to.port !== 'variants');
    expect(validatePipeline(p).map((x) => [x.code, x.nodeId, x.port, x.message])).toEqual([
      ['missing-input', 'int8', 'calibration', "INT8 static needs a calibration dataset: connect one to its 'calibration' input."],
      ['missing-input', 'cmp', 'variants', "Compare needs variant models: connect one to its 'variants' input."],
    ]);
  });

  it('puts a bad parameter on its field, unknown ports and nodes on their edge', () => {
    const p = matrix();
    p.nodes[4]!.params = { method: 'median' };
    p.nodes[5]!.params = { thresholds: { maxTop1DropPoints: -1 } };
    p.edges.push(edge('ghost', 'model', 'cmp', 'variants'), edge('model', 'weights', 'fp16', 'model'));
    const problems = validatePipeline(p);
    expect(problems.find((x) => x.nodeId === 'int8')).toMatchObject({ code: 'bad-params', field: 'method' });
    expect(problems.find((x) => x.nodeId === 'int8')!.message).toMatch(/^INT8 static: 'method' /);
    expect(problems.find((x) => x.nodeId === 'cmp' && x.code === 'bad-params')).toMatchObject({ field: 'thresholds.maxTop1DropPoints' });
    expect(problems.find((x) => x.code === 'unknown-node')).toMatchObject({ edge: 7, message: "An edge joins 'ghost', which is not a node of this pipeline." });
    expect(problems.find((x) => x.code === 'unknown-port')).toMatchObject({ edge: 8, message: "Model file has no output 'weights'." });
  });

  it('offers three templates that validate and have a node for each job they name', () => {
    expect(PIPELINE_TEMPLATES.map((t) => t.title)).toEqual(['INT8 for ONNX Runtime CPU with an accuracy gate', 'FP32 / FP16 / INT8 matrix on one eval set', 'dynamic batch + INT8 + profile']);
    for (const t of PIPELINE_TEMPLATES) {
      const p = t.build();
      expect(validatePipeline(p), t.id).toEqual([]);
      expect(parsePipelineFile(JSON.parse(JSON.stringify(p)))).toEqual(p);
    }
    const kinds = PIPELINE_TEMPLATES.map((t) => t.build().nodes.map((n) => n.kind).sort());
    expect(kinds[0]).toEqual(['compare', 'data-source', 'data-source', 'int8-static', 'model-source', 'save']);
    expect(kinds[1]).toEqual(['compare', 'data-source', 'data-source', 'fp16', 'int8-static', 'model-source', 'report']);
    expect(kinds[2]).toEqual(['data-source', 'int8-static', 'model-source', 'profile', 'profile', 'set-dims']);
  });
});

describe('cache keys', () => {
  it('editing a node changes its key and exactly the keys downstream of it', () => {
    const before = cacheKeys(matrix());
    expect(Object.values(before).every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(new Set(Object.values(before)).size).toBe(6);
    const p = matrix();
    p.nodes[4]!.params = { method: 'entropy' };
    const after = cacheKeys(p);
    const changed = Object.keys(before).filter((id) => before[id] !== after[id]);
    expect(changed).toEqual(['int8', 'cmp']);
  });

  it('ignores labels, positions and key order in parameters; a source identity reaches every node below it', () => {
    const p = matrix();
    p.nodes[5]!.label = 'Gate';
    p.nodes[5]!.position = { x: 10, y: 20 };
    p.nodes[4]!.params = { method: 'minmax' };
    expect(cacheKeys(p)).toEqual(cacheKeys(matrix()));
    const other = cacheKeys(matrix(), (n) => (n.id === 'calib' ? 'folder:/elsewhere' : undefined));
    const base = cacheKeys(matrix());
    expect(Object.keys(base).filter((id) => base[id] !== other[id])).toEqual(['calib', 'int8', 'cmp']);
  });

  it('variant order is part of the compare key (the table lists them in that order)', () => {
    const p = matrix();
    p.edges = [...p.edges.filter((e) => e.to.port !== 'variants'), edge('int8', 'model', 'cmp', 'variants'), edge('fp16', 'model', 'cmp', 'variants')];
    expect(cacheKeys(p).cmp).not.toBe(cacheKeys(matrix()).cmp);
    expect(cacheKeys(p).int8).toBe(cacheKeys(matrix()).int8);
  });
});

describe('the pipeline file', () => {
  it('reads version 1 recipes as pipelines: sources, one node per step, references as edges', () => {
    const v1 = {
      format: 'onnx-studio.recipe',
      version: 1,
      input: { name: 'digits.onnx', path: '/models/digits.onnx', sha256: 'a'.repeat(64) },
      data: { calib: { path: '/data/calib', files: 100 }, eval: { files: 497 } },
      steps: [
        { id: 'edit-1', kind: 'edit', model: 'input', commands: [{ command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' } }] },
        { id: 'quantize-2', kind: 'quantize', model: 'edit-1', mode: 'int8-static', backend: 'ort-cpu', data: 'calib' },
        { id: 'quantize 3', kind: 'quantize', model: 'edit-1', mode: 'fp16', perChannel: true },
        { id: 'compare-4', kind: 'compare', reference: 'edit-1', variants: ['quantize-2', 'quantize 3'], data: 'eval', thresholds: { maxTop1DropPoints: 1 } },
      ],
      output: 'quantize-2',
    };
    const p = parsePipelineFile(v1);
    expect(p.version).toBe(2);
    expect(p.nodes.map((n) => [n.id, n.kind])).toEqual([['input', 'model-source'], ['data-calib', 'data-source'], ['data-eval', 'data-source'], ['edit-1', 'edit'], ['quantize-2', 'int8-static'], ['quantize_3', 'fp16'], ['compare-4', 'compare']]);
    expect(p.nodes[0]!.params).toEqual({ name: 'digits.onnx', path: '/models/digits.onnx', sha256: 'a'.repeat(64) });
    expect(p.nodes[5]!.params).toEqual({});
    expect(p.edges).toContainEqual(edge('quantize_3', 'model', 'compare-4', 'variants'));
    expect(p.edges.filter((e) => e.to.node === 'compare-4').map((e) => `${e.from.node}>${e.to.port}`)).toEqual(['edit-1>reference', 'quantize-2>variants', 'quantize_3>variants', 'data-eval>data']);
    expect(p.output).toBe('quantize-2');
    expect(validatePipeline(p)).toEqual([]);
    // Laid out left to right by depth.
    expect(p.nodes.map((n) => n.position!.x)).toEqual([0, 0, 0, 280, 560, 560, 840]);
  });

  it('refuses what it cannot read in one sentence', () => {
    expect(() => parsePipelineFile([])).toThrow('the file is not a pipeline: expected a JSON object');
    expect(() => parsePipelineFile({ format: 'netron', version: 2 })).toThrow('the file is not a pipeline: its format is "netron", expected "onnx-studio.recipe"');
    expect(() => parsePipelineFile({ format: 'onnx-studio.recipe', version: 3, nodes: [], edges: [] })).toThrow('the pipeline is version 3, newer than this app reads (2); update ONNX Studio');
    expect(() => parsePipelineFile({ ...emptyPipeline(), nodes: [{ id: 'a', kind: 'teleport', params: {} }] })).toThrow(/^the pipeline's nodes\.0\.kind is not valid/);
    expect(() => parsePipelineFile({ format: 'onnx-studio.recipe', version: 1, input: { name: 'm', sha256: '0'.repeat(64) }, data: {}, steps: [{ id: 'q', kind: 'quantize', model: 'nowhere', mode: 'fp16' }] })).toThrow("step 'q' reads model 'nowhere', which no earlier step makes");
  });
});
