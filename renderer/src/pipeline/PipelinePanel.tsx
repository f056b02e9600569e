import { Handle, Position, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { memo, useCallback, useEffect, useMemo, useState } from 'react';
import type { JobProgress } from '../../../shared/api/dto.js';
import type { RecipeView } from '../../../shared/api/dto.js';
import type { RecipeStep } from '../../../shared/recipe/recipe.js';
import { download } from '../graph/export-image.js';
import { useApp } from '../store/store-context.js';

type StepData = { label: string; kind: string; detail: string; status: string; stepId: string };
type StepNode = Node<StepData, 'step'>;

const COLUMN = 240;
const ROW = 110;

const StepBox = memo(function StepBox({ data, selected }: NodeProps<StepNode>) {
  return (
    <div className={`pipeline-step kind-${data.kind}${selected ? ' selected' : ''}`} data-step-id={data.stepId} data-status={data.status}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
      <div className="pipeline-step-title">{data.label}</div>
      <div className="pipeline-step-detail">{data.detail}</div>
    </div>
  );
});

const NODE_TYPES = { step: StepBox };

function stepLabel(s: RecipeStep): string {
  switch (s.kind) {
    case 'edit':
      return `Edit (${s.commands.length})`;
    case 'quantize':
      return s.mode === 'fp16' ? 'FP16' : s.mode === 'int8-dynamic' ? 'INT8 dynamic' : `INT8 static${s.backend ? ` · ${s.backend}` : ''}`;
    case 'simplify':
      return 'Simplify';
    case 'convert':
      return `Convert to opset ${s.opset}`;
    case 'profile':
      return `Profile · ${s.backend}`;
    case 'compare':
      return `Compare · ${s.data}`;
    case 'export':
      return `Export · ${s.target} ${s.precision ?? 'fp32'}`;
  }
}

function reads(s: RecipeStep): string[] {
  return s.kind === 'compare' ? [s.reference, ...s.variants] : [s.model];
}

/** The recipe as a graph: one node per step, model variants as the edges, branches side by side. */
function layout(view: RecipeView): { nodes: StepNode[]; edges: Edge[] } {
  const depth = new Map<string, number>([['input', 0]]);
  const rows = new Map<number, number>();
  // Steps that make models run along the top lane; checks (profile, compare) hang below them.
  const place = (d: number, lane: number) => {
    const row = Math.max(rows.get(d) ?? 0, lane);
    rows.set(d, row + 1);
    return { x: d * COLUMN, y: row * ROW };
  };
  const nodes: StepNode[] = [{ id: 'input', type: 'step', position: place(0, 0), data: { label: 'Input', kind: 'input', detail: view.recipe.input.name, status: 'done', stepId: 'input' } }];
  const edges: Edge[] = [];
  for (const s of view.recipe.steps) {
    const d = Math.max(...reads(s).map((r) => depth.get(r) ?? 0)) + 1;
    depth.set(s.id, d);
    const result = view.results[s.id];
    nodes.push({ id: s.id, type: 'step', position: place(d, s.kind === 'compare' || s.kind === 'profile' ? 1 : 0), data: { label: stepLabel(s), kind: s.kind, detail: result?.summary ?? 'not run in this session', status: result?.status ?? 'pending', stepId: s.id } });
    for (const r of reads(s)) edges.push({ id: `${r}->${s.id}`, source: r, target: s.id, type: 'smoothstep' });
  }
  return { nodes, edges };
}

/** Deployment steps recorded in this session as a pipeline: inspect, edit, reorder, download, re-run. */
export default function PipelinePanel({ docId }: { docId: string }) {
  const client = useApp((s) => s.client);
  const models = useApp((s) => s.models);
  const refreshModels = useApp((s) => s.refreshModels);
  const [view, setView] = useState<RecipeView>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [text, setText] = useState('');
  const [progress, setProgress] = useState<JobProgress | undefined>();
  const [running, setRunning] = useState(false);
  const modelVersions = models.map((m) => `${m.docId}:${m.version}`).join(',');

  const load = useCallback(async () => {
    try {
      setView(await client.getRecipe({ docId }));
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [client, docId]);
  useEffect(() => {
    void load();
  }, [load, modelVersions]);

  const graph = useMemo(() => (view ? layout(view) : { nodes: [], edges: [] }), [view]);
  const steps = view?.recipe.steps ?? [];
  const index = steps.findIndex((s) => s.id === selected);
  const current = index >= 0 ? JSON.stringify(steps[index], null, 2) : '';
  useEffect(() => setText(current), [current]);
  const [newStep, setNewStep] = useState('');

  const update = async (next: RecipeStep[] | unknown[]) => {
    try {
      setView(await client.updateRecipeSteps({ docId, steps: next }));
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const move = (delta: number) => {
    const next = [...steps];
    const [s] = next.splice(index, 1);
    next.splice(index + delta, 0, s!);
    void update(next);
  };
  const rerun = async (fromStep?: string) => {
    setRunning(true);
    setError(undefined);
    try {
      const { jobId } = await client.startRunRecipe({ docId, ...(fromStep ? { fromStep } : {}) });
      const job = await client.waitForJob(jobId, setProgress);
      if (job.status !== 'succeeded') setError(job.error?.message ?? 'The run did not finish.');
      await refreshModels();
      await load();
    } finally {
      setRunning(false);
      setProgress(undefined);
    }
  };

  return (
    <section className="analysis pipeline" aria-label="Pipeline">
      <div className="analysis-controls">
        <span>{steps.length} step{steps.length === 1 ? '' : 's'} recorded for {view?.recipe.input.name ?? '…'}</span>
        <button type="button" disabled={!view} onClick={() => view && download(new Blob([JSON.stringify(view.recipe, null, 2)], { type: 'application/json' }), `${view.recipe.input.name.replace(/\.onnx$/i, '')}.recipe.json`)}>
          Download recipe
        </button>
        <button type="button" disabled={running || steps.length === 0} onClick={() => void rerun()}>
          Run all
        </button>
        {running && (
          <span role="progressbar" aria-label="Running the recipe" aria-valuemin={0} aria-valuemax={progress?.total || 1} aria-valuenow={progress?.done ?? 0}>
            {progress ? `${progress.done} of ${progress.total}: ${progress.phase}` : 'starting…'}
          </span>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      <div className="pipeline-body">
        <div className="pipeline-canvas" data-testid="pipeline-canvas" data-step-count={steps.length}>
          <ReactFlowProvider>
            <ReactFlow
              nodes={graph.nodes.map((n) => (n.id === selected ? { ...n, selected: true } : n))}
              edges={graph.edges}
              nodeTypes={NODE_TYPES}
              onNodeClick={(_, n) => setSelected(n.id === 'input' ? undefined : n.id)}
              nodesDraggable={false}
              nodesConnectable={false}
              fitView
              proOptions={{ hideAttribution: true }}
            />
          </ReactFlowProvider>
        </div>
        <details className="pipeline-add">
          <summary>Add a step</summary>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              try {
                void update([...steps, JSON.parse(newStep) as unknown]).then(() => setNewStep(''));
              } catch {
                setError('The new step is not valid JSON.');
              }
            }}
          >
            <textarea
              aria-label="New step"
              rows={5}
              spellCheck={false}
              placeholder={'{"id": "profile-9", "kind": "profile", "model": "input", "backend": "cpu", "runs": 50, "warmup": 5}'}
              value={newStep}
              onChange={(e) => setNewStep(e.target.value)}
            />
            <button type="submit" disabled={!newStep.trim()}>
              Add step
            </button>
          </form>
        </details>
        {index >= 0 && (
          <form
            className="pipeline-step-editor"
            aria-label="Step"
            onSubmit={(e) => {
              e.preventDefault();
              let parsed: unknown;
              try {
                parsed = JSON.parse(text);
              } catch {
                setError('The step is not valid JSON.');
                return;
              }
              void update(steps.map((s, i) => (i === index ? parsed : s)));
            }}
          >
            <textarea aria-label="Step parameters" value={text} onChange={(e) => setText(e.target.value)} rows={12} spellCheck={false} />
            <div className="pipeline-step-actions">
              <button type="submit">Apply</button>
              <button type="button" disabled={index === 0} onClick={() => move(-1)}>
                Move up
              </button>
              <button type="button" disabled={index === steps.length - 1} onClick={() => move(1)}>
                Move down
              </button>
              <button type="button" onClick={() => void update(steps.filter((_, i) => i !== index))}>
                Remove
              </button>
              <button type="button" disabled={running} onClick={() => void rerun(steps[index]!.id)}>
                Re-run from here
              </button>
            </div>
          </form>
        )}
      </div>
    </section>
  );
}
