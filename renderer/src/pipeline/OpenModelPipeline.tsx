import { useState } from 'react';
import { useApp } from '../store/store-context.js';
import { usePipelines } from './pipelines-context.js';

/**
 * The model view's Pipeline button: what the user did by hand on this model (recorded as a recipe)
 * opens as a pipeline, its model file bound to this model, so it can be changed and re-run.
 */
export function OpenModelPipeline() {
  const pipelines = usePipelines();
  const client = useApp((s) => s.client);
  const docId = useApp((s) => s.activeDocId);
  const models = useApp((s) => s.models);
  const [error, setError] = useState<string>();
  if (!pipelines || !docId) return null;
  const open = async () => {
    setError(undefined);
    try {
      const view = await client.getRecipe({ docId });
      const tab = await pipelines.getState().open(view.recipe);
      if (!tab) return;
      tab.editor.setState({ name: `${view.recipe.input.name} pipeline` });
      // The recipe's input is the model as it was opened: an open, unedited model of that name is it
      // (an edited one already holds the recorded edits, which the pipeline would apply a second time).
      const source = tab.editor.getState().graph.nodes.find((n) => n.kind === 'model-source');
      const root = models.find((m) => m.fileName === view.recipe.input.name && !m.dirty);
      if (source && root) {
        await client.bindPipelineSource({ pipelineId: tab.pipelineId, nodeId: source.id, docId: root.docId });
        tab.editor.getState().bind(source.id, { docId: root.docId, inputs: root.summary.graph.inputs.map((i) => i.name) });
      }
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <>
      <button type="button" title="Open the steps taken on this model as a pipeline" onClick={() => void open()}>
        Pipeline
      </button>
      {error && <span role="alert">{error}</span>}
    </>
  );
}
