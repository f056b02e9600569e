import { useId, useState } from 'react';
import { useGraph } from '../graph/graph-context.js';
import { TensorNames } from './TensorNames.js';
import type { ModelInfo } from '../../../shared/api/dto.js';
import { useApp } from '../store/store-context.js';

/** Model-level edits (the opset is converted in Simplify and convert): metadata, removing what nothing uses, extracting a part as a new model. */
export function ModelEditor({ model }: { model: ModelInfo }) {
  const edit = useApp((s) => s.edit);
  const client = useApp((s) => s.client);
  const refreshModels = useApp((s) => s.refreshModels);
  const activate = useApp((s) => s.activate);
  const [meta, setMeta] = useState({ key: '', value: '' });
  const [extract, setExtract] = useState({ inputs: '', outputs: '' });
  const [input, setInput] = useState({ name: '', elemType: '1', dims: '' });
  const [error, setError] = useState<string | undefined>();
  const tensorList = useId();
  const view = useGraph((s) => s.view);
  const names = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);
  return (
    <section className="model-editor" aria-label="Edit model">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (meta.key) void edit('setMetadata', { key: meta.key, value: meta.value === '' ? null : meta.value }).then((ok) => ok && setMeta({ key: '', value: '' }));
        }}
      >
        <input aria-label="Metadata key" placeholder="key (producerName, docString, …)" value={meta.key} onChange={(e) => setMeta({ ...meta, key: e.target.value })} />
        <input aria-label="Metadata value" placeholder="value (empty removes it)" value={meta.value} onChange={(e) => setMeta({ ...meta, value: e.target.value })} />
        <button type="submit" disabled={!meta.key}>
          Set metadata
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const dims = input.dims.split(/\s*[x×,]\s*|\s+/).filter(Boolean).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
          void edit('addInput', { name: input.name, elemType: Number(input.elemType), dims }).then((ok) => ok && setInput({ name: '', elemType: '1', dims: '' }));
        }}
      >
        <input aria-label="New input name" placeholder="new input name" value={input.name} onChange={(e) => setInput({ ...input, name: e.target.value })} />
        <select aria-label="New input type" value={input.elemType} onChange={(e) => setInput({ ...input, elemType: e.target.value })}>
          <option value="1">float32</option>
          <option value="10">float16</option>
          <option value="7">int64</option>
          <option value="6">int32</option>
          <option value="9">bool</option>
        </select>
        <input aria-label="New input dims" placeholder="dims, e.g. batch x 8" value={input.dims} onChange={(e) => setInput({ ...input, dims: e.target.value })} size={12} />
        <button type="submit" disabled={!input.name}>
          Add input
        </button>
      </form>
      <button type="button" onClick={() => void edit('removeUnused', { graphPath: 'main' })}>
        Remove unused nodes and initializers
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(undefined);
          void client
            .extractSubgraph({ docId: model.docId, inputs: names(extract.inputs), outputs: names(extract.outputs) })
            .then(async (info) => {
              await refreshModels();
              activate(info.docId);
            })
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
        }}
      >
        <input aria-label="Extract from tensors" list={tensorList} placeholder="from tensors (comma-separated)" value={extract.inputs} onChange={(e) => setExtract({ ...extract, inputs: e.target.value })} />
        <input aria-label="Extract to tensors" list={tensorList} placeholder="to tensors" value={extract.outputs} onChange={(e) => setExtract({ ...extract, outputs: e.target.value })} />
        <button type="submit" disabled={!extract.inputs || !extract.outputs}>
          Extract as new model
        </button>
      </form>
      <TensorNames id={tensorList} {...(view ? { view } : {})} />
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
