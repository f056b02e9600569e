import { useStore } from 'zustand';
import { PIPELINE_TEMPLATES } from '../../../shared/pipeline/templates.js';
import type { PipelinesStore } from './pipelines-store.js';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The top-level tabs: the model view, then one tab per open pipeline. */
export function PipelineTabs({ pipelines }: { pipelines: PipelinesStore }) {
  const view = useStore(pipelines, (s) => s.view);
  const tabs = useStore(pipelines, (s) => s.tabs);
  return (
    <nav className="mode-tabs" role="tablist" aria-label="Workspaces">
      <button type="button" role="tab" aria-selected={view === 'models'} onClick={() => pipelines.getState().show('models')}>
        Models
      </button>
      {tabs.map((t) => (
        <PipelineTabButton key={t.pipelineId} pipelines={pipelines} pipelineId={t.pipelineId} selected={view === t.pipelineId} />
      ))}
      <PipelineMenu pipelines={pipelines} />
    </nav>
  );
}

function PipelineTabButton({ pipelines, pipelineId, selected }: { pipelines: PipelinesStore; pipelineId: string; selected: boolean }) {
  const tab = useStore(pipelines, (s) => s.tabs.find((t) => t.pipelineId === pipelineId))!;
  const name = useStore(tab.editor, (s) => s.name);
  return (
    <span className="mode-tab">
      <button type="button" role="tab" aria-selected={selected} data-pipeline-tab={pipelineId} onClick={() => pipelines.getState().show(pipelineId)}>
        {name}
      </button>
      <button type="button" className="link" aria-label={`Dismiss ${name}`} title="Close this pipeline" onClick={() => void pipelines.getState().close(pipelineId)}>
        ×
      </button>
    </span>
  );
}

/** New pipeline, Open pipeline… and Templates: shown in the tab bar. */
function PipelineMenu({ pipelines }: { pipelines: PipelinesStore }) {
  const error = useStore(pipelines, (s) => s.error);
  return (
    <span className="pipeline-menu">
      <button type="button" onClick={() => void pipelines.getState().open()}>
        New pipeline
      </button>
      <select
        aria-label="Templates"
        value=""
        onChange={(e) => {
          const t = PIPELINE_TEMPLATES.find((x) => x.id === e.target.value);
          if (t) void pipelines.getState().open(t.build());
        }}
      >
        <option value="">Templates…</option>
        {PIPELINE_TEMPLATES.map((t) => (
          <option key={t.id} value={t.id} title={t.description}>
            {t.title}
          </option>
        ))}
      </select>
      <label className="file-button">
        Open pipeline…
        <input
          type="file"
          aria-label="Open pipeline…"
          accept=".json,application/json"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            void file.text().then(
              (text) => {
                let parsed: unknown;
                try {
                  parsed = JSON.parse(text);
                } catch {
                  pipelines.setState({ error: `${file.name} is not JSON: open a pipeline file saved by ONNX Studio.` });
                  return;
                }
                void pipelines.getState().open(parsed);
              },
              (x: unknown) => pipelines.setState({ error: message(x) }),
            );
          }}
        />
      </label>
      {error && (
        <span role="alert" className="message error">
          {error}
        </span>
      )}
    </span>
  );
}
