import { useMemo, useState } from 'react';
import { formatBytes } from '../../../shared/model/format.js';
import type { PreprocessSpec } from '../../../shared/preprocess/preprocess-spec.js';
import { useGraph } from '../graph/graph-context.js';
import { useApp } from '../store/store-context.js';
import { DataFolderDrop } from '../components/DataFolderDrop.js';
import { useQuantize } from './quantize-context.js';

const MODES = [
  { id: 'int8-static', label: 'INT8 static (calibrated, QDQ)' },
  { id: 'int8-dynamic', label: 'INT8 dynamic (weights only)' },
  { id: 'fp16', label: 'FP16' },
] as const;

function numbers(text: string): number[] {
  return text.split(/[\s,]+/).filter(Boolean).map(Number);
}

/** The preprocessing form: what turns an image into the input tensor, with a live preview of one image. */
function PreprocessForm({ spec }: { spec: PreprocessSpec }) {
  const update = useQuantize((s) => s.updateSpec);
  const preview = useQuantize((s) => s.preview);
  const previewError = useQuantize((s) => s.previewError);
  const [mean, setMean] = useState(spec.mean.join(', '));
  const [std, setStd] = useState(spec.std.join(', '));
  return (
    <fieldset className="preprocess" aria-label="Preprocessing">
      <legend>Preprocessing for input “{spec.input}”</legend>
      <label>
        Size{' '}
        <input aria-label="Height" type="number" min={1} value={spec.size[0]} onChange={(e) => update({ size: [Number(e.target.value), spec.size[1]] })} />
        ×
        <input aria-label="Width" type="number" min={1} value={spec.size[1]} onChange={(e) => update({ size: [spec.size[0], Number(e.target.value)] })} />
      </label>
      <label>
        Colour{' '}
        <select aria-label="Colour" value={spec.color} onChange={(e) => update({ color: e.target.value as PreprocessSpec['color'] })}>
          <option value="rgb">RGB</option>
          <option value="bgr">BGR</option>
          <option value="gray">Gray</option>
        </select>
      </label>
      <label>
        Layout{' '}
        <select aria-label="Layout" value={spec.layout} onChange={(e) => update({ layout: e.target.value as PreprocessSpec['layout'] })}>
          <option>NCHW</option>
          <option>NHWC</option>
        </select>
      </label>
      <label>
        Scale <input aria-label="Scale" value={String(spec.scale)} onChange={(e) => Number.isFinite(Number(e.target.value)) && update({ scale: Number(e.target.value) })} />
      </label>
      <label>
        Mean <input aria-label="Mean" value={mean} onChange={(e) => (setMean(e.target.value), numbers(e.target.value).every(Number.isFinite) && update({ mean: numbers(e.target.value) }))} />
      </label>
      <label>
        Std <input aria-label="Std" value={std} onChange={(e) => (setStd(e.target.value), numbers(e.target.value).every((v) => Number.isFinite(v) && v !== 0) && update({ std: numbers(e.target.value) }))} />
      </label>
      <label>
        Resize{' '}
        <select aria-label="Resize" value={spec.resize ?? 'bilinear'} onChange={(e) => update({ resize: e.target.value as 'bilinear' | 'nearest' })}>
          <option>bilinear</option>
          <option>nearest</option>
        </select>
      </label>
      {preview && (
        <figure className="preprocess-preview" aria-label="Preview">
          <img src={preview.imageUrl} alt={`What the model sees of ${preview.file}`} width={96} height={96} />
          <figcaption>
            {preview.file}: [{preview.shape.join(', ')}], values {preview.min.toFixed(2)} … {preview.max.toFixed(2)}, mean {preview.mean.toFixed(2)}
          </figcaption>
        </figure>
      )}
      {previewError && <p role="alert">{previewError}</p>}
    </fieldset>
  );
}

/** FP16 and INT8 quantization for a target backend, from a dropped calibration folder. */
export default function QuantizePanel() {
  const s = useQuantize((x) => x);
  const activate = useApp((x) => x.activate);
  const selection = useGraph((x) => x.selection);
  const view = useGraph((x) => x.view);
  const preset = s.catalog?.presets.find((p) => p.id === s.backend);
  const selectedNode = selection?.kind === 'node' ? view?.nodes[selection.index] : undefined;
  const opTypes = useMemo(() => [...new Set((view?.nodes ?? []).map((n) => n.opType))].sort(), [view]);
  const running = s.status === 'running';
  const p = s.progress;
  const pct = p && p.total > 0 ? Math.round((100 * p.done) / p.total) : undefined;

  return (
    <section className="analysis quantize" aria-label="Quantize" data-status={s.status}>
      <div className="analysis-controls">
        <label>
          Mode{' '}
          <select aria-label="Mode" value={s.mode} disabled={running} onChange={(e) => s.set('mode', e.target.value as typeof s.mode)}>
            {MODES.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {s.mode !== 'fp16' && (
          <label>
            Target backend{' '}
            <select aria-label="Target backend" value={s.backend} disabled={running} onChange={(e) => s.set('backend', e.target.value)}>
              {(s.catalog?.presets ?? []).map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {s.mode === 'int8-static' && (
          <label>
            Calibration{' '}
            <select aria-label="Calibration method" value={s.method} disabled={running} onChange={(e) => s.set('method', e.target.value as typeof s.method)}>
              <option value="">preset default ({preset?.method ?? 'minmax'})</option>
              <option value="minmax">MinMax</option>
              <option value="percentile">Percentile (99.999%)</option>
              <option value="entropy">Entropy (KL)</option>
            </select>
          </label>
        )}
        {s.mode === 'fp16' && (
          <label>
            <input type="checkbox" checked={s.keepIOTypes} disabled={running} onChange={(e) => s.set('keepIOTypes', e.target.checked)} /> Keep float32 inputs and outputs
          </label>
        )}
        {s.mode !== 'fp16' && (
          <label>
            <input type="checkbox" checked={s.perChannel} disabled={running} onChange={(e) => s.set('perChannel', e.target.checked)} /> Per-channel weights
          </label>
        )}
        <button type="button" disabled={running || s.status === 'loading-data'} onClick={() => void s.run()}>
          Quantize
        </button>
        {running && (
          <button type="button" onClick={() => void s.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {s.mode !== 'fp16' && preset && <p className="muted preset-why">{preset.why}</p>}

      {s.mode === 'int8-static' && (
        <DataFolderDrop
          label="Calibration folder"
          testId="calibration-drop"
          hint="Drop a folder of calibration images (.png, .jpg, .bmp, .webp) or tensors (.npy, .pb) here"
          {...(s.dataset ? { dataset: s.dataset } : {})}
          {...(s.upload ? { upload: s.upload } : {})}
          onFiles={(files, name) => void s.loadFolder(files, name)}
          onPath={(p) => void s.loadFolderPath(p)}
        />
      )}
      {s.mode === 'int8-static' && s.spec && s.dataset && s.dataset.imageCount > 0 && <PreprocessForm spec={s.spec} />}

      <div className="exclusions" aria-label="Excluded nodes">
        <span>Left in float:</span>
        {s.excludeNodes.length + s.excludeOpTypes.length === 0 && <span className="muted"> none chosen (default rules apply)</span>}
        {s.excludeOpTypes.map((o) => (
          <button key={`op:${o}`} type="button" className="chip" title="Quantize these ops again" onClick={() => s.includeOpType(o)}>
            all {o} ✕
          </button>
        ))}
        {s.excludeNodes.map((n) => (
          <button key={n} type="button" className="chip" title="Quantize this node again" onClick={() => s.include(n)}>
            {n} ✕
          </button>
        ))}
        <select aria-label="Leave op type in float" value="" disabled={running} onChange={(e) => e.target.value && s.excludeOpType(e.target.value)}>
          <option value="">Leave an op type in float…</option>
          {opTypes.filter((o) => !s.excludeOpTypes.includes(o)).map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        {selectedNode && !s.excludeNodes.includes(selectedNode.name) && (
          <button type="button" disabled={running} onClick={() => s.exclude(selectedNode.name)}>
            Exclude selected node ({selectedNode.name})
          </button>
        )}
      </div>

      {running && (
        <div
          role="progressbar"
          aria-label="Quantizing"
          aria-valuemin={0}
          aria-valuemax={p?.total || 1}
          aria-valuenow={p?.done ?? 0}
          {...(pct !== undefined ? { 'aria-valuetext': `${pct}%` } : {})}
        >
          <progress max={p?.total || 1} value={p?.done ?? 0} />{' '}
          {p?.phase ?? 'starting'}
          {p && p.phase === 'calibrating' ? `: ${p.done} of ${p.total} images` : ''}
          {p?.etaSeconds !== undefined ? `, about ${p.etaSeconds} s left` : ''}
        </div>
      )}
      {s.error && <p role="alert">{s.error}</p>}
      {s.status === 'cancelled' && <p>Cancelled; nothing was written.</p>}
      {s.result && (
        <div className="quantize-result" aria-label="Quantization result">
          <p>
            <strong>{s.result.fileName}</strong>: {s.result.mode === 'fp16' ? 'converted' : 'quantized'} {s.result.quantizedNodes} nodes; {formatBytes(s.result.sizeBefore)} → {formatBytes(s.result.sizeAfter)} (
            {Math.round((100 * s.result.sizeAfter) / s.result.sizeBefore)}%)
            {s.result.mode === 'int8-static' ? `; calibrated on ${s.result.calibrationSamples} images${s.result.skippedSamples ? `, ${s.result.skippedSamples} skipped` : ''}` : ''} in {s.result.seconds.toFixed(1)} s.{' '}
            <button type="button" onClick={() => activate(s.result!.docId)}>
              Open result
            </button>
          </p>
          {s.result.excludedNodes.length > 0 && (
            <details>
              <summary>{s.result.excludedNodes.length} nodes left in float</summary>
              <ul>
                {s.result.excludedNodes.map((x) => (
                  <li key={x.name}>
                    {x.name} ({x.opType}): {x.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {s.result.warnings.map((w) => (
            <p key={w} className="warning">
              {w}
            </p>
          ))}
          {s.result.skippedExamples.length > 0 && (
            <details>
              <summary>Skipped files</summary>
              <ul>
                {s.result.skippedExamples.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
