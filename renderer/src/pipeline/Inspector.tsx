import { useEffect, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { BackendInfo, DatasetInfo, PreprocessPreview, QuantizeCatalog } from '../../../shared/api/dto.js';
import { NODE_KINDS, type PortSpec } from '../../../shared/pipeline/node-kinds.js';
import type { NodeState } from '../../../shared/pipeline/node-state.js';
import type { Pipeline, PipelineNode } from '../../../shared/pipeline/pipeline.js';
import type { SourceBinding } from './pipeline-editor-store.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { uploadFolder } from '../api/data-folder.js';
import { DataFolderDrop } from '../components/DataFolderDrop.js';
import { PreprocessForm } from '../quantize/PreprocessForm.js';
import { useApp } from '../store/store-context.js';
import { usePipelineEditor, usePipelineEditorStore } from './pipeline-editor-context.js';
import { SchemaForm } from './SchemaForm.js';

const QUANTIZE_KINDS = new Set(['fp16', 'int8-dynamic', 'int8-static']);

/**
 * The model reaching a node's model (or reference) input: the upstream node's last result when it ran,
 * else the model file it starts from (its inputs have the same names: transforms keep them).
 */
function upstreamModel(graph: Pipeline, runs: Record<string, NodeState>, bindings: Record<string, SourceBinding>, nodeId: string): { docId?: string; inputs?: string[] } {
  let docId: string | undefined;
  let at = nodeId;
  for (let hops = 0; hops < graph.nodes.length; hops++) {
    const from = graph.edges.find((e) => e.to.node === at && (e.to.port === 'model' || e.to.port === 'reference'))?.from.node;
    if (!from) return docId ? { docId } : {};
    docId ??= runs[from]?.status === 'done' ? runs[from]?.result?.docId : undefined;
    const bound = bindings[from];
    if (bound?.docId) return { docId: docId ?? bound.docId, ...(bound.inputs ? { inputs: bound.inputs } : {}) };
    at = from;
  }
  return docId ? { docId } : {};
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Model file: picked here (uploaded in browser mode), or one of the models already open. */
function ModelSourceForm({ node, bindNode }: { node: PipelineNode; bindNode(nodeId: string, docId: string): Promise<void> }) {
  const client = useApp((s) => s.client);
  const host = useApp((s) => s.host);
  const models = useApp((s) => s.models);
  const refreshModels = useApp((s) => s.refreshModels);
  const binding = usePipelineEditor((s) => s.bindings[node.id]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const label = `Model file for ${node.id}`;
  const open = async (file: File) => {
    setError(undefined);
    if (!/\.onnx$/i.test(file.name)) return setError(`'${file.name}' is not an .onnx file; pick an ONNX model.`);
    setBusy(`Opening ${file.name}…`);
    try {
      const path = host.pathForFile?.(file);
      const source = path ? { kind: 'path' as const, path } : host.upload ? { kind: 'blob' as const, blobId: await host.upload(file) } : undefined;
      if (!source) throw new Error('This file has no path on disk; use File > Open.');
      const info = await client.openModel({ source });
      await refreshModels();
      await bindNode(node.id, info.docId);
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <div className="schema-form">
      <label className="schema-field">
        <span className="schema-label">File</span>
        <input type="file" aria-label={label} accept=".onnx" onChange={(e) => e.target.files?.[0] && void open(e.target.files[0])} />
      </label>
      <label className="schema-field">
        <span className="schema-label">Or an open model</span>
        <select aria-label={`Open model for ${node.id}`} value={binding?.docId ?? ''} onChange={(e) => e.target.value && void bindNode(node.id, e.target.value).catch((x: unknown) => setError(message(x)))}>
          <option value="">(choose)</option>
          {models.map((m) => (
            <option key={m.docId} value={m.docId}>
              {m.fileName}
            </option>
          ))}
        </select>
      </label>
      <p className="muted" data-testid="source-binding">
        {binding?.docId ? `Bound to ${models.find((m) => m.docId === binding.docId)?.fileName ?? String(node.params['name'])}` : `Not bound: the run opens ${String(node.params['name'] ?? 'the file named in the pipeline')}`}
      </p>
      {busy && <p role="status">{busy}</p>}
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

/** Data folder: dropped or chosen with the same control the Quantize and Compare panels use. */
function DataSourceForm({ node, bindNode }: { node: PipelineNode; bindNode(nodeId: string, datasetId: string, info: DatasetInfo): Promise<void> }) {
  const client = useApp((s) => s.client);
  const host = useApp((s) => s.host);
  const binding = usePipelineEditor((s) => s.bindings[node.id]);
  const [upload, setUpload] = useState<{ done: number; total: number }>();
  const [error, setError] = useState<string>();
  const finish = async (open: () => Promise<DatasetInfo>) => {
    setError(undefined);
    try {
      const info = await open();
      await bindNode(node.id, info.datasetId, info);
    } catch (e) {
      setError(message(e));
    } finally {
      setUpload(undefined);
    }
  };
  return (
    <div className="schema-form">
      <DataFolderDrop
        label={`Data folder for ${node.id}`}
        testId={`data-folder-${node.id}`}
        hint="Drop a folder of images (one sub-folder per class for labelled data)"
        {...(binding?.dataset ? { dataset: binding.dataset } : {})}
        {...(upload ? { upload } : {})}
        onFiles={(files, folderName) => void finish(() => uploadFolder(client, host, files, folderName, (done, total) => setUpload({ done, total })))}
        onPath={(path) => void finish(() => client.openDataset({ source: { kind: 'path', path } }))}
      />
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

/** The preprocessing form with its live preview on the first image of the calibration folder feeding the node. */
function SpecField({ nodeId, value, onChange }: { nodeId: string; value: unknown; onChange(v: unknown): void }) {
  const client = useApp((s) => s.client);
  const graph = usePipelineEditor((s) => s.graph);
  const bindings = usePipelineEditor((s) => s.bindings);
  const runs = usePipelineEditor((s) => s.runs);
  const feed = (port: string) => graph.edges.find((e) => e.to.node === nodeId && e.to.port === port)?.from.node;
  const model = upstreamModel(graph, runs, bindings, nodeId).docId;
  const dataset = bindings[feed('calibration') ?? feed('data') ?? '']?.dataset;
  const spec = value as PreprocessSpec | undefined;
  const [preview, setPreview] = useState<PreprocessPreview>();
  const [previewError, setPreviewError] = useState<string>();
  const text = JSON.stringify(spec ?? null);
  useEffect(() => {
    if (!spec || !dataset || dataset.imageCount === 0) return;
    let current = true;
    client.previewPreprocess({ datasetId: dataset.datasetId, spec }).then(
      (p) => current && (setPreview(p), setPreviewError(undefined)),
      (e: unknown) => current && setPreviewError(message(e)),
    );
    return () => {
      current = false;
    };
    // The spec is compared by value (its JSON): a new object with the same fields needs no new preview.
  }, [client, dataset?.datasetId, text]);
  if (!spec) {
    return (
      <div>
        <span className="muted">From the model&apos;s input (the engine proposes one) </span>
        <button type="button" disabled={!model} onClick={() => model && void client.proposePreprocess({ docId: model }).then((p) => p && onChange(p), (e: unknown) => setPreviewError(message(e)))}>
          Customise
        </button>
        {previewError && <p role="alert">{previewError}</p>}
      </div>
    );
  }
  return (
    <div>
      <PreprocessForm spec={spec} update={(patch) => onChange({ ...spec, ...patch })} {...(preview ? { preview } : {})} {...(previewError ? { previewError } : {})} />
      <button type="button" onClick={() => onChange(undefined)}>
        Use the proposed preprocessing
      </button>
    </div>
  );
}

/** The form of the selected node, built from its kind's schema, with the JSON as an advanced view. */
export function Inspector({ catalog, backends, onRunUpTo, running, bindNode }: {
  catalog?: QuantizeCatalog;
  backends: BackendInfo[];
  onRunUpTo(nodeId: string): void;
  running: boolean;
  bindNode(nodeId: string, ids: { docId?: string; datasetId?: string }, dataset?: DatasetInfo): Promise<void>;
}) {
  const store = usePipelineEditorStore();
  const selected = usePipelineEditor((s) => (s.selected.length === 1 ? s.graph.nodes.find((n) => n.id === s.selected[0]) : undefined));
  const count = usePipelineEditor((s) => s.selected.length);
  const output = usePipelineEditor((s) => s.graph.output);
  const graph = usePipelineEditor((s) => s.graph);
  const runs = usePipelineEditor((s) => s.runs);
  const bindings = usePipelineEditor((s) => s.bindings);
  const binding = selected ? upstreamModel(graph, runs, bindings, selected.id) : undefined;
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string>();
  const paramsText = selected ? JSON.stringify(selected.params, null, 2) : '';
  useEffect(() => {
    setJson(paramsText);
    setJsonError(undefined);
  }, [paramsText]);
  if (!selected) {
    return (
      <aside className="pipeline-inspector" aria-label="Inspector">
        <p className="muted">{count > 1 ? `${count} nodes selected: Delete removes them, Ctrl+C copies them.` : 'Select a node to set it up. Drag kinds from the palette, or double-click the canvas to search.'}</p>
      </aside>
    );
  }
  const kind = NODE_KINDS[selected.kind];
  const setParams = (params: Record<string, unknown>) => store.getState().setParams(selected.id, params);
  const custom = (key: string, value: unknown, onChange: (v: unknown) => void): ReactNode | undefined => {
    if (key === 'spec') return <SpecField nodeId={selected.id} value={value} onChange={onChange} />;
    if (key === 'backend') {
      const options = QUANTIZE_KINDS.has(selected.kind) ? (catalog?.presets ?? []).map((p) => ({ id: p.id, name: p.name })) : backends.map((b) => ({ id: b.id, name: b.available ? b.name : `${b.name} (unavailable)` }));
      return (
        <select aria-label="Backend" value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          {selected.kind !== 'profile' && <option value="">(default)</option>}
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      );
    }
    if (key === 'tensor' && binding?.inputs?.length) {
      return (
        <select aria-label="Tensor" value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="">(choose an input)</option>
          {binding.inputs.map((i) => (
            <option key={i}>{i}</option>
          ))}
        </select>
      );
    }
    return undefined;
  };
  return (
    <aside className="pipeline-inspector" aria-label="Inspector" data-inspected={selected.id}>
      <h2>
        {kind.label} <span className="muted">{selected.id}</span>
      </h2>
      <label className="schema-field">
        <span className="schema-label">Title</span>
        <input
          aria-label="Node title"
          value={selected.label ?? ''}
          placeholder={kind.label}
          onChange={(e) => {
            const { graph } = store.getState();
            store.getState().commit({ ...graph, nodes: graph.nodes.map((n) => (n.id === selected.id ? { ...n, ...(e.target.value ? { label: e.target.value } : { label: undefined }) } : n)) });
          }}
        />
      </label>
      {selected.kind === 'model-source' ? (
        <ModelSourceForm node={selected} bindNode={(nodeId, docId) => bindNode(nodeId, { docId })} />
      ) : selected.kind === 'data-source' ? (
        <DataSourceForm node={selected} bindNode={(nodeId, datasetId, info) => bindNode(nodeId, { datasetId }, info)} />
      ) : (
        <SchemaForm schema={kind.params as unknown as z.ZodObject} value={selected.params} onChange={setParams} custom={custom} />
      )}
      {(kind.outputs as readonly PortSpec[]).some((p) => p.type === 'model') && (
        <label className="schema-field inline">
          <span>
            <input
              type="checkbox"
              aria-label="Pipeline output"
              checked={output === selected.id}
              onChange={(e) => {
                const { graph } = store.getState();
                const { output: _old, ...rest } = graph;
                store.getState().commit(e.target.checked ? { ...rest, output: selected.id } : rest);
              }}
            />{' '}
            Pipeline output (the model <code>onnx-studio run -o</code> writes)
          </span>
        </label>
      )}
      <div className="pipeline-inspector-actions">
        <button type="button" disabled={running} onClick={() => onRunUpTo(selected.id)}>
          Run up to this node
        </button>
      </div>
      <details className="pipeline-json">
        <summary>JSON (advanced)</summary>
        <textarea aria-label="Node parameters (JSON)" rows={10} spellCheck={false} value={json} onChange={(e) => setJson(e.target.value)} />
        <button
          type="button"
          onClick={() => {
            try {
              const parsed = JSON.parse(json) as unknown;
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('The parameters must be a JSON object, e.g. {"method": "entropy"}.');
              setParams(parsed as Record<string, unknown>);
            } catch (e) {
              setJsonError(e instanceof SyntaxError ? `That is not valid JSON: ${e.message}.` : message(e));
            }
          }}
        >
          Apply JSON
        </button>
        {jsonError && <p role="alert">{jsonError}</p>}
      </details>
    </aside>
  );
}
