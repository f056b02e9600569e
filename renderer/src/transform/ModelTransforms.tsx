import { useEffect, useRef, useState } from 'react';
import type { ModelInfo } from '../../../shared/api/dto.js';
import { formatBytes } from '../../../shared/model/format.js';
import { SIMPLIFY_PASS_NAMES as PASS_NAMES } from '../../../shared/simplify/pass-names.js';
import type { NodeChanges } from '../../../shared/simplify/node-changes.js';
import { useTransform } from './transform-context.js';
import type { TransformResult } from './transform-store.js';

/** '1x3x224x224' -> dims; simplify folds shapes only at fixed dims, so each must be a whole number. */
function parseDims(text: string): number[] | undefined {
  const parts = text.trim().split(/\s*[x×,]\s*|\s+/);
  return parts.every((d) => /^[1-9]\d{0,9}$/.test(d)) ? parts.map(Number) : undefined;
}

/** An exact match reads as 0, not 0.00. */
const diff = (n: number) => (n === 0 ? '0' : n.toPrecision(3));

function Figure({ label, name, before, after, bytes }: { label: string; name: string; before: number; after: number; bytes?: boolean }) {
  const show = (n: number) => (bytes ? formatBytes(n) : n.toLocaleString('en-US'));
  return (
    <tr data-figure={name}>
      <th scope="row">{label}</th>
      <td data-value={before}>{show(before)}</td>
      <td data-value={after}>{show(after)}</td>
    </tr>
  );
}

function Changes({ changes }: { changes: NodeChanges }) {
  return (
    <>
      <p data-testid="marked-nodes">
        Marked on the graph: {changes.changed.length} changed, {changes.added.length} added; {changes.removed.length} removed.
      </p>
      {changes.removed.length > 0 && (
        <details>
          <summary>Removed nodes</summary>
          <ul className="removed-nodes">
            {changes.removed.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function Report({ result, stale }: { result: TransformResult; stale: boolean }) {
  const note = stale && <p className="muted">Undone or edited since: the marks are off the graph.</p>;
  if (result.kind === 'convert') {
    const r = result.value;
    return (
      <section className="transform-report" aria-label="Convert report" data-stale={stale}>
        <p>
          Opset <span data-figure="opsetBefore">{r.opsetBefore}</span> → <span data-figure="opsetAfter">{r.opsetAfter}</span>;{' '}
          {r.converted.length === 0 ? 'no node needed rewriting.' : `rewritten: ${r.converted.map((c) => `${c.opType} ×${c.count}`).join(', ')}.`}
        </p>
        <p>
          Largest output difference in ONNX Runtime: <span data-figure="maxAbsDiff" data-value={r.maxAbsDiff ?? ''}>{r.maxAbsDiff === null ? 'not checked' : diff(r.maxAbsDiff)}</span>
        </p>
        {r.notes.map((n, i) => (
          <p key={i} className="muted">
            {n}
          </p>
        ))}
        <Changes changes={r.changes} />
        {note}
      </section>
    );
  }
  const { report, changes } = result.value;
  return (
    <section className="transform-report" aria-label="Simplify report" data-stale={stale}>
      <table className="transform-figures">
        <thead>
          <tr>
            <th />
            <th scope="col">before</th>
            <th scope="col">after</th>
          </tr>
        </thead>
        <tbody>
          <Figure label="Nodes" name="nodes" before={report.nodesBefore} after={report.nodesAfter} />
          <Figure label="Initializers" name="initializers" before={report.initializersBefore} after={report.initializersAfter} />
          <Figure label="Bytes" name="bytes" before={report.bytesBefore} after={report.bytesAfter} bytes />
        </tbody>
      </table>
      <p>
        Largest output difference in ONNX Runtime: <span data-figure="maxAbsDiff" data-value={report.maxAbsDiff}>{diff(report.maxAbsDiff)}</span> ({diff(report.relativeDiff)} relative), at{' '}
        {Object.entries(report.inputDims).map(([n, d]) => `${n} ${d.join('×')}`).join(', ')}; {report.seconds} s.
      </p>
      <ul className="transform-passes">
        {report.passes.map((p) => (
          <li key={p.name} data-pass={p.name} data-value={p.changed} className={p.changed > 0 ? undefined : 'muted'}>
            {p.name}: {p.changed === 0 ? 'nothing' : `${p.changed} changed`}
          </li>
        ))}
      </ul>
      <Changes changes={changes} />
      {note}
    </section>
  );
}

/** Simplify and Convert opset on the model: a form, progress with Cancel, then the report; each one undoable edit. */
export function ModelTransforms({ model }: { model: ModelInfo }) {
  const running = useTransform((s) => s.running);
  const result = useTransform((s) => s.result);
  const stale = useTransform((s) => s.stale);
  const refusal = useTransform((s) => s.refusal);
  const error = useTransform((s) => s.error);
  const run = useTransform((s) => s.run);
  const keepAnyway = useTransform((s) => s.keepAnyway);
  const cancel = useTransform((s) => s.cancel);
  const dynamic = model.summary.graph.inputs.filter((i) => !i.shape || i.shape.some((d) => typeof d !== 'number'));
  const [dims, setDims] = useState<Record<string, string>>({});
  // Integer scalars often select behaviour (a sample rate) and fail on random values: the check takes the user's.
  const selectors = model.summary.graph.inputs.filter((i) => /^u?int(8|16|32|64)$/.test(i.type) && i.shape !== null && i.shape.length === 0);
  const [values, setValues] = useState<Record<string, string>>({});
  const [skip, setSkip] = useState<ReadonlySet<string>>(new Set());
  const current = model.summary.opsets['ai.onnx'];
  const [opset, setOpset] = useState(String(current ?? ''));
  useEffect(() => setOpset(String(current ?? '')), [current]);
  const [formError, setFormError] = useState<string>();
  const section = useRef<HTMLElement>(null);
  const revealing = useTransform((s) => s.revealing);
  const revealed = useTransform((s) => s.revealed);
  useEffect(() => {
    if (!revealing) return;
    section.current?.scrollIntoView({ block: 'start' });
    revealed();
  }, [revealing, revealed]);

  /** The dims and values typed for the check, or the sentence saying which one is wrong. */
  const checkInputs = (): { inputShapes?: Record<string, number[]>; inputValues?: Record<string, number> } | string => {
    const inputShapes: Record<string, number[]> = {};
    for (const [name, text] of Object.entries(dims)) {
      if (!text.trim()) continue;
      const parsed = parseDims(text);
      if (!parsed) return `The dims for '${name}' must be whole numbers of at least 1, such as 1x3x224x224.`;
      inputShapes[name] = parsed;
    }
    const inputValues: Record<string, number> = {};
    for (const [name, text] of Object.entries(values)) {
      if (!text.trim()) continue;
      if (!/^-?\d+$/.test(text.trim())) return `The value for '${name}' must be a whole number, such as 16000.`;
      inputValues[name] = Number(text.trim());
    }
    return { ...(Object.keys(inputShapes).length > 0 ? { inputShapes } : {}), ...(Object.keys(inputValues).length > 0 ? { inputValues } : {}) };
  };
  const simplify = () => {
    const inputs = checkInputs();
    if (typeof inputs === 'string') return setFormError(inputs);
    setFormError(undefined);
    void run({ kind: 'simplify', args: { ...inputs, ...(skip.size > 0 ? { skip: [...skip] } : {}) } });
  };
  const convert = () => {
    if (!/^\d+$/.test(opset)) return setFormError('The target opset must be a whole number, such as 17.');
    const inputs = checkInputs();
    if (typeof inputs === 'string') return setFormError(inputs);
    setFormError(undefined);
    void run({ kind: 'convert', args: { opset: Number(opset), ...inputs } });
  };

  return (
    <section className="model-transforms" aria-label="Simplify and convert" ref={section}>
      <h3>Simplify and convert</h3>
      <form
        aria-label="Simplify"
        onSubmit={(e) => {
          e.preventDefault();
          simplify();
        }}
      >
        {dynamic.map((i) => (
          <label key={i.name}>
            {i.name} dims{' '}
            <input
              aria-label={`Dims for ${i.name}`}
              placeholder={(i.shape ?? []).map((d) => (typeof d === 'number' ? d : '?')).join('x') || 'e.g. 1x3x224x224'}
              value={dims[i.name] ?? ''}
              onChange={(e) => setDims({ ...dims, [i.name]: e.target.value })}
              size={14}
            />
          </label>
        ))}
        {dynamic.length > 0 && <p className="muted">Dynamic inputs: give fixed dims so their shape arithmetic folds too (the result declares them; Convert opset only checks at them).</p>}
        {selectors.map((i) => (
          <label key={i.name}>
            {i.name} value{' '}
            <input aria-label={`Check value for ${i.name}`} placeholder="random" value={values[i.name] ?? ''} onChange={(e) => setValues({ ...values, [i.name]: e.target.value })} size={8} />
          </label>
        ))}
        {selectors.length > 0 && <p className="muted">The ONNX Runtime check feeds these values instead of random ones (a sample rate, a mode).</p>}
        <details>
          <summary>Passes ({PASS_NAMES.length - skip.size} of {PASS_NAMES.length})</summary>
          {PASS_NAMES.map((p) => (
            <label key={p} className="transform-pass-option">
              <input
                type="checkbox"
                checked={!skip.has(p)}
                onChange={(e) => {
                  const next = new Set(skip);
                  if (e.target.checked) next.delete(p);
                  else next.add(p);
                  setSkip(next);
                }}
              />{' '}
              {p}
            </label>
          ))}
        </details>
        <button type="submit" disabled={running !== undefined} title="Fold constants and shape arithmetic, remove Identity/Dropout and dead nodes, fold BatchNormalization; checked in ONNX Runtime">
          Simplify
        </button>
      </form>
      <form
        aria-label="Convert opset"
        onSubmit={(e) => {
          e.preventDefault();
          convert();
        }}
      >
        <label>
          Target opset <input aria-label="Target opset" value={opset} onChange={(e) => setOpset(e.target.value)} size={4} />
        </label>
        {/* The engine rewrites changed operators and checks the result in ONNX Runtime before it takes the edit. */}
        <button type="submit" disabled={running !== undefined} title="Rewrite the model for this opset; refused when a node has no equivalent or the outputs change">
          Convert opset
        </button>
      </form>
      {running && (
        <div className="task" role="status">
          <span className="task-label">{running.kind === 'simplify' ? 'Simplifying' : 'Converting'}…</span>
          <div className="progress" role="progressbar" aria-label={running.kind === 'simplify' ? 'Simplifying' : 'Converting'} aria-valuemin={0} aria-valuemax={100}>
            <div className="progress-fill indeterminate" />
          </div>
          <button type="button" disabled={!running.jobId} onClick={() => void cancel()}>
            Cancel
          </button>
        </div>
      )}
      {formError && <p role="alert">{formError}</p>}
      {error && <p role="alert">{error}</p>}
      {refusal && (
        <div role="alert" className="transform-refusal">
          <p>{refusal.message}</p>
          <button type="button" disabled={running !== undefined} onClick={() => void keepAnyway()} title="Apply the result although it computes differently; it stays undoable">
            Keep anyway
          </button>
        </div>
      )}
      {result && <Report result={result} stale={stale} />}
    </section>
  );
}
