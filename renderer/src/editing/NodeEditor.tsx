import { useId, useState } from 'react';
import { TensorNames } from './TensorNames.js';
import type { AttributeView, GraphView, NodeSchemaInfo, NodeView } from '../../../shared/api/dto.js';
import { editableText, parseAttributeText } from '../../../shared/edit/attribute-text.js';
import { useGraph } from '../graph/graph-context.js';
import { useApp } from '../store/store-context.js';

const EDITABLE = new Set(['int', 'float', 'string', 'ints', 'floats', 'strings']);

/** The schema's attribute types (INT, INTS, ...) in the graph view's words (int, ints, ...). */
function viewType(schemaType: string): string {
  return schemaType.toLowerCase();
}

function AttributeRow({ attr, onSave, onRemove }: { attr: AttributeView; onSave(text: string): Promise<string | undefined>; onRemove(): void }) {
  const [text, setText] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const initial = editableText(attr.value);
  const editable = EDITABLE.has(attr.type) && initial !== undefined;
  if (text === undefined) {
    return (
      <span className="attr-actions">
        <button type="button" className="link" disabled={!editable} title={editable ? `Edit ${attr.name}` : 'This value cannot be edited as text here'} onClick={() => setText(attr.type === 'string' ? (JSON.parse(attr.value) as string) : initial)}>
          Edit
        </button>{' '}
        <button type="button" className="link" aria-label={`Remove ${attr.name}`} onClick={onRemove}>
          ✕
        </button>
      </span>
    );
  }
  return (
    <form
      className="attr-edit"
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(text).then((problem) => (problem ? setError(problem) : setText(undefined)));
      }}
    >
      <input aria-label={`Value of ${attr.name}`} value={text} autoFocus onChange={(e) => setText(e.target.value)} />
      <button type="submit">Apply</button>
      <button type="button" onClick={() => (setText(undefined), setError(undefined))}>
        Cancel
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}

/** Editing a node from the Properties panel: rename, attributes, inputs, delete. Every change is an undoable edit. */
export function NodeEditor({ node, view, schema }: { node: NodeView; view: GraphView; schema?: NodeSchemaInfo }) {
  const edit = useApp((s) => s.edit);
  const [name, setName] = useState(node.name);
  const [adding, setAdding] = useState('');
  const [rewire, setRewire] = useState<{ index: number; tensor: string } | undefined>();
  const select = useGraph((s) => s.select);
  const tensorList = useId();
  const at = { graphPath: view.path, nodeIndex: node.index };
  const dataInputs = node.inputs.filter((x) => x && !view.initializers.some((i) => i.name === x));
  const canReconnect = dataInputs.length === 1 && node.outputs.filter(Boolean).length === 1;
  const missing = (schema?.schema?.attributes ?? []).filter((a) => !node.attributes.some((x) => x.name === a.name) && EDITABLE.has(viewType(a.type)));

  const saveAttribute = async (attrName: string, type: string, text: string): Promise<string | undefined> => {
    const value = parseAttributeText(type, text);
    if (typeof value === 'string') return value;
    return (await edit('setAttribute', { ...at, name: attrName, value })) ? undefined : 'The edit was refused; see the message above.';
  };

  return (
    <section className="node-editor" aria-label="Edit node">
      <form
        className="rename"
        onSubmit={(e) => {
          e.preventDefault();
          if (name && name !== node.name) void edit('renameNode', { ...at, name });
        }}
      >
        <input aria-label="Node name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={!name || name === node.name}>
          Rename
        </button>
      </form>
      <table className="attributes editable">
        <tbody>
          {node.attributes.map((a) => (
            <tr key={a.name} data-edit-attribute={a.name}>
              <th>{a.name}</th>
              <td>
                <code>{a.value}</code>
              </td>
              <td>
                <AttributeRow attr={a} onSave={(text) => saveAttribute(a.name, a.type, text)} onRemove={() => void edit('setAttribute', { ...at, name: a.name, value: null })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {missing.length > 0 && (
        <form
          className="add-attribute"
          onSubmit={(e) => {
            e.preventDefault();
            const schemaAttr = missing.find((a) => a.name === adding);
            const text = (e.currentTarget.elements.namedItem('value') as HTMLInputElement).value;
            if (schemaAttr) void saveAttribute(schemaAttr.name, viewType(schemaAttr.type), text);
          }}
        >
          <select aria-label="Attribute to add" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Add an attribute…</option>
            {missing.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name} ({viewType(a.type)})
              </option>
            ))}
          </select>
          {adding && (
            <>
              <input name="value" aria-label="New attribute value" />
              <button type="submit">Add</button>
            </>
          )}
        </form>
      )}
      <ul className="values rewire">
        {node.inputs.map((x, i) => (
          <li key={i}>
            <span className="muted">{node.inputLabels[i] ?? `input ${i}`}: </span>
            {rewire?.index === i ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void edit('rewireInput', { ...at, inputIndex: i, tensor: rewire.tensor }).then((ok) => ok && setRewire(undefined));
                }}
              >
                <input aria-label={`Tensor for input ${i}`} list={tensorList} value={rewire.tensor} onChange={(e) => setRewire({ index: i, tensor: e.target.value })} />
                <button type="submit">Connect</button>
                <button type="button" onClick={() => setRewire(undefined)}>
                  Cancel
                </button>
              </form>
            ) : (
              <>
                <code>{x || '(omitted)'}</code>{' '}
                <button type="button" className="link" onClick={() => setRewire({ index: i, tensor: x })}>
                  Rewire
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <TensorNames id={tensorList} view={view} />
      <div className="delete-actions">
        <button
          type="button"
          disabled={!canReconnect}
          title={canReconnect ? 'Its readers read its input instead' : 'Only a node with one data input and one output can be bypassed'}
          onClick={() => void edit('deleteNode', { ...at, mode: 'reconnect' }).then((ok) => ok && select(null))}
        >
          Delete node
        </button>
        <button type="button" onClick={() => void edit('deleteNode', { ...at, mode: 'downstream' }).then((ok) => ok && select(null))}>
          Delete with everything after it
        </button>
      </div>
    </section>
  );
}
