import { useMemo } from 'react';
import { formatBytes } from '../../../shared/model/format.js';
import { useGraph } from '../graph/graph-context.js';
import { useApp } from '../store/store-context.js';
import { DataFolderDrop } from '../components/DataFolderDrop.js';
import { useQuantize } from './quantize-context.js';
import { PreprocessForm } from './PreprocessForm.js';

const MODES = [
  { id: 'int8-static', label: 'INT8 static (calibrated, QDQ)' },
  { id: 'int8-dynamic', label: 'INT8 dynamic (weights only)' },
  { id: 'fp16', label: 'FP16' },
] as const;

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
      {s.mode === 'int8-static' && s.spec && s.dataset && s.dataset.imageCount > 0 && <PreprocessForm spec={s.spec} update={s.updateSpec} {...(s.preview ? { preview: s.preview } : {})} {...(s.previewError ? { previewError: s.previewError } : {})} />}

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
