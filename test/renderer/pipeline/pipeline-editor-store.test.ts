import { describe, expect, it } from 'vitest';
import type { NodeState } from '../../../shared/pipeline/node-state.js';
import { emptyPipeline } from '../../../shared/pipeline/pipeline.js';
import { validatePipeline } from '../../../shared/pipeline/validate-pipeline.js';
import { createPipelineEditorStore, edgeId } from '../../../renderer/src/pipeline/pipeline-editor-store.js';

const at = { x: 0, y: 0 };

/** model -> fp16 -> compare(variants), model -> compare(reference), eval -> compare(data), built as a user would. */
function built() {
  const store = createPipelineEditorStore('t', emptyPipeline('t'));
  const s = () => store.getState();
  const model = s().addNode('model-source', at)!;
  const evalSet = s().addNode('data-source', at)!;
  const fp16 = s().addNode('fp16', at)!;
  const compare = s().addNode('compare', at)!;
  expect(s().connect({ from: { node: model, port: 'model' }, to: { node: fp16, port: 'model' } }, at)).toBe(true);
  expect(s().connect({ from: { node: model, port: 'model' }, to: { node: compare, port: 'reference' } }, at)).toBe(true);
  expect(s().connect({ from: { node: fp16, port: 'model' }, to: { node: compare, port: 'variants' } }, at)).toBe(true);
  expect(s().connect({ from: { node: evalSet, port: 'data' }, to: { node: compare, port: 'data' } }, at)).toBe(true);
  return { store, s, model, evalSet, fp16, compare };
}

describe('the pipeline editor store', () => {
  it('refuses wrong connections with the sentence shown where the edge was dropped, and changes nothing', () => {
    const { s, evalSet, fp16, compare, model } = built();
    const before = s().graph;
    expect(s().connect({ from: { node: evalSet, port: 'data' }, to: { node: fp16, port: 'model' } }, { x: 10, y: 20 })).toBe(false);
    expect(s().refusal).toEqual({ message: 'A dataset output cannot feed the model input of FP16: it takes a model.', x: 10, y: 20 });
    expect(s().connect({ from: { node: model, port: 'model' }, to: { node: fp16, port: 'model' } }, at)).toBe(false);
    expect(s().refusal?.message).toMatch(/already connected/);
    expect(s().graph).toBe(before);
    // Compare's variants take any number of edges; a second reference is refused.
    const int8 = s().addNode('int8-dynamic', at)!;
    s().connect({ from: { node: model, port: 'model' }, to: { node: int8, port: 'model' } }, at);
    expect(s().connect({ from: { node: int8, port: 'model' }, to: { node: compare, port: 'variants' } }, at)).toBe(true);
    expect(s().connect({ from: { node: int8, port: 'model' }, to: { node: compare, port: 'reference' } }, at)).toBe(false);
    expect(s().refusal?.message).toMatch(/takes one input and already has one/);
    // A cycle: simplify -> convert -> simplify.
    const a = s().addNode('simplify', at)!;
    const b = s().addNode('convert', at)!;
    expect(s().connect({ from: { node: a, port: 'model' }, to: { node: b, port: 'model' } }, at)).toBe(true);
    expect(s().connect({ from: { node: b, port: 'model' }, to: { node: a, port: 'model' } }, at)).toBe(false);
    expect(s().refusal?.message).toMatch(/would make a cycle/);
    expect(validatePipeline(s().graph).filter((p) => p.code !== 'missing-input' && p.code !== 'bad-params')).toEqual([]);
  });

  it('undoes and redoes every graph edit, and a whole drag as one step', () => {
    const { s, fp16 } = built();
    const full = s().graph;
    s().setParams(fp16, { keepIOTypes: true });
    s().beginMove();
    s().moveNodes({ [fp16]: { x: 5, y: 5 } }, false);
    s().moveNodes({ [fp16]: { x: 50, y: 70 } }, false);
    s().moveNodes({}, true);
    expect(s().graph.nodes.find((n) => n.id === fp16)!.position).toEqual({ x: 50, y: 70 });
    s().undo();
    expect(s().graph.nodes.find((n) => n.id === fp16)!.position).toEqual(at);
    expect(s().graph.nodes.find((n) => n.id === fp16)!.params).toEqual({ keepIOTypes: true });
    s().undo();
    expect(s().graph).toEqual(full);
    s().redo();
    expect(s().graph.nodes.find((n) => n.id === fp16)!.params).toEqual({ keepIOTypes: true });
    // Undo all the way back to the empty pipeline: 4 nodes and 4 edges were 8 edits.
    for (let i = 0; i < 9; i++) s().undo();
    expect(s().graph.nodes).toEqual([]);
    expect(s().past).toEqual([]);
  });

  it('deletes the selected nodes with their edges, or just the selected edges; copy/paste makes fresh ids with the edges among the copies', () => {
    const { s, fp16, compare, model } = built();
    s().select([], [edgeId({ from: { node: fp16, port: 'model' }, to: { node: compare, port: 'variants' } })]);
    s().deleteSelection();
    expect(s().graph.edges).toHaveLength(3);
    expect(s().graph.nodes).toHaveLength(4);
    s().select([model, fp16]);
    s().copy();
    s().paste();
    const pasted = s().selected;
    expect(pasted).toEqual(['model-source-2', 'fp16-2']);
    expect(s().graph.edges.filter((e) => pasted.includes(e.from.node) || pasted.includes(e.to.node))).toEqual([{ from: { node: 'model-source-2', port: 'model' }, to: { node: 'fp16-2', port: 'model' } }]);
    expect(s().graph.nodes.find((n) => n.id === 'fp16-2')!.position).toEqual({ x: 40, y: 40 });
    s().select([model]);
    s().deleteSelection();
    expect(s().graph.nodes.some((n) => n.id === model)).toBe(false);
    expect(s().graph.edges.some((e) => e.from.node === model)).toBe(false);
    s().undo();
    expect(s().graph.edges.filter((e) => e.from.node === model)).toHaveLength(2);
  });

  it('marks a changed node and everything downstream stale at once, and leaves the rest done', () => {
    const { s, model, evalSet, fp16, compare } = built();
    const done: NodeState = { status: 'done', key: 'k', result: { summary: 'x' } };
    s().setRuns(Object.fromEntries([model, evalSet, fp16, compare].map((id) => [id, done])), true);
    s().setParams(fp16, { keepIOTypes: true });
    expect(Object.fromEntries(Object.entries(s().runs).map(([id, r]) => [id, r.status]))).toEqual({ [model]: 'done', [evalSet]: 'done', [fp16]: 'stale', [compare]: 'stale' });
    // A move changes no result.
    s().setRuns({ [fp16]: done, [compare]: done });
    s().beginMove();
    s().moveNodes({ [fp16]: { x: 9, y: 9 } }, true);
    expect(s().runs[fp16]!.status).toBe('done');
  });
});

describe('the inspector form from the zod schemas', () => {
  it('puts each invalid value on its field, by path', async () => {
    const { fieldErrors, fieldLabel } = await import('../../../renderer/src/pipeline/schema-fields.js');
    const { NODE_KINDS } = await import('../../../shared/pipeline/node-kinds.js');
    const compare = NODE_KINDS.compare.params;
    expect(fieldErrors(compare, { thresholds: { maxTop1DropPoints: 1 } })).toEqual({});
    expect(Object.keys(fieldErrors(compare, { thresholds: { maxTop1DropPoints: -3 } }))).toEqual(['thresholds.maxTop1DropPoints']);
    expect(Object.keys(fieldErrors(compare, { thresholds: { maxTop1DropPoints: 'abc' } }))).toEqual(['thresholds.maxTop1DropPoints']);
    expect(fieldErrors(compare, { colour: 'red' })).toEqual({ colour: 'is not a setting of this node' });
    expect(Object.keys(fieldErrors(NODE_KINDS['set-dims'].params, { dims: [{ tensor: 'image', axis: -1, value: 'batch' }] }))).toEqual(['dims.0.axis']);
    expect(fieldLabel('maxTop1DropPoints')).toBe('Max top1 drop points');
  });
});
