import { mergedGraph } from '../../shared/diff/merged-graph.js';
import { compareModels, diffModels } from '../../shared/diff/model-diff.js';
import { buildGraphView } from '../../shared/graph/graph-view.js';
import { MAIN } from '../../shared/graph/graph-path.js';
import { opCategories, opRegistry } from '../../electron/engine/op-metadata.js';
import type { ModelProto } from '../../shared/onnx/types.js';
import { scopedModel } from '../helpers/scoped-model.js';
import { timeMs } from './machine.js';

/** The same model with every node name cleared, so each node must be matched by structure alone. */
function unnamed(model: ModelProto): ModelProto {
  return { ...model, graph: { ...model.graph!, node: model.graph!.node!.map((n) => ({ ...n, name: '' })) } };
}

/** Diff of a ~25,000-node export against itself (names match) and against a copy with no node names, and the Diff view's data. */
export async function diffRows(): Promise<string[][]> {
  const model = scopedModel(3600);
  const nodes = model.graph!.node!.length;
  const copy = unnamed(model);
  const byName = await timeMs(3, () => diffModels(model, model));
  const byStructure = await timeMs(3, () => diffModels(model, copy));
  // What the Diff view asks the engine for: the diff, the merged graph and its mirror.
  const view = await timeMs(3, () => {
    const c = compareModels(model, copy);
    return buildGraphView(mergedGraph(model, copy, c).model, MAIN, opRegistry(), opCategories());
  });
  const d = diffModels(model, copy);
  if (d.matched !== nodes || d.added.length + d.removed.length !== 0) throw new Error(`structural diff matched ${d.matched} of ${nodes} nodes`);
  return [
    [`diff, ${nodes.toLocaleString('en-US')} nodes, names match`, byName.toFixed(0)],
    [`diff, ${nodes.toLocaleString('en-US')} nodes, no names (structure only)`, byStructure.toFixed(0)],
    [`Diff view data (diff + merged graph + its mirror), ${nodes.toLocaleString('en-US')} nodes, no names`, view.toFixed(0)],
  ];
}
