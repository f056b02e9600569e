import { useEffect, useId, useMemo, useState } from 'react';
import { TensorNames } from './TensorNames.js';
import type { GraphView } from '../../../shared/api/dto.js';
import { parseAttributeText } from '../../../shared/edit/attribute-text.js';
import type { AttributeValue } from '../../../shared/edit/attribute-value.js';
import type { OpVersionSchema } from '../../../shared/graph/op-registry.js';
import { useGraph } from '../graph/graph-context.js';
import { useApp } from '../store/store-context.js';

type Catalogue = { opType: string; category: string; schema: OpVersionSchema }[];

/** The operators at the model's opset, asked of the engine when the form first shows. */
function useCatalogue(docId: string): Catalogue | undefined {
  const client = useApp((s) => s.client);
  const [data, setData] = useState<Catalogue>();
  useEffect(() => {
    void client.getOpCatalogue({ docId }).then(setData, () => setData([]));
  }, [client, docId]);
  return data;
}

/**
 * Inserting a node from the op catalogue: the form comes from the operator's schema at the model's
 * opset; each input is a tensor name, typed or taken from the tensor (or node output) selected on the canvas.
 */
export function InsertNodeForm({ view, opset, docId }: { view: GraphView; opset: number; docId: string }) {
  const catalogue = useCatalogue(docId);
  const edit = useApp((s) => s.edit);
  const selection = useGraph((s) => s.selection);
  const tensorList = useId();
  const [opType, setOpType] = useState('');
  const [name, setName] = useState('');
  const [inputs, setInputs] = useState<string[]>([]);
  const [attrs, setAttrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const schema: OpVersionSchema | undefined = useMemo(() => catalogue?.find((o) => o.opType === opType)?.schema, [catalogue, opType]);
  const selected = selection?.kind === 'value' ? selection.name : selection?.kind === 'node' ? view.nodes[selection.index]?.outputs[0] : undefined;

  const submit = async () => {
    if (!schema) return setError(`There is no operator '${opType}' at opset ${opset}.`);
    const attributes: { name: string; value: AttributeValue }[] = [];
    for (const a of schema.attributes) {
      const text = attrs[a.name]?.trim();
      if (!text) {
        if (a.required) return setError(`The attribute '${a.name}' is required.`);
        continue;
      }
      const value = parseAttributeText(a.type.toLowerCase(), text);
      if (typeof value === 'string') return setError(`${a.name}: ${value}`);
      attributes.push({ name: a.name, value });
    }
    const nodeName = name || `${opType}_inserted`;
    const outputs = schema.outputs.filter((o) => o.option !== 'optional').map((o, i) => `${nodeName}_${o.name || i}`);
    setError(undefined);
    const ok = await edit('insertNode', { graphPath: view.path, opType, name: nodeName, inputs: schema.inputs.map((_, i) => inputs[i] ?? '').filter((x, i, all) => x !== '' || all.slice(i).some(Boolean)), outputs, attributes });
    if (ok) {
      setOpType('');
      setName('');
      setInputs([]);
      setAttrs({});
    }
  };

  return (
    <form
      className="insert-node"
      aria-label="Insert node"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input aria-label="Operator" list="op-catalogue" placeholder="operator (Relu, Conv, …)" value={opType} onChange={(e) => setOpType(e.target.value)} />
      <datalist id="op-catalogue">
        {(catalogue ?? []).map((o) => (
          <option key={o.opType} value={o.opType}>
            {o.category}
          </option>
        ))}
      </datalist>
      {schema && (
        <>
          <input aria-label="New node name" placeholder="node name" value={name} onChange={(e) => setName(e.target.value)} />
          {schema.inputs.map((p, i) => (
            <div key={p.name} className="insert-input">
              <label>
                {p.name}
                {p.option === 'optional' ? ' (optional)' : ''}{' '}
                <input aria-label={`Input ${p.name}`} list={tensorList} value={inputs[i] ?? ''} onChange={(e) => setInputs(Object.assign([...inputs], { [i]: e.target.value }))} />
              </label>
              {selected && (
                <button type="button" className="link" onClick={() => setInputs(Object.assign([...inputs], { [i]: selected }))}>
                  use {selected}
                </button>
              )}
            </div>
          ))}
          {schema.attributes.map((a) => (
            <label key={a.name} className="insert-attribute">
              {a.name} <span className="muted">({a.type.toLowerCase()}{a.required ? ', required' : ''})</span>{' '}
              <input aria-label={`Attribute ${a.name}`} value={attrs[a.name] ?? ''} onChange={(e) => setAttrs({ ...attrs, [a.name]: e.target.value })} />
            </label>
          ))}
          <button type="submit">Insert</button>
        </>
      )}
      <TensorNames id={tensorList} view={view} />
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
