import type { ModelInfo } from '../../../shared/api/dto.js';
import { formatBytes } from '../../../shared/model/format.js';
import { DataFolderDrop } from '../components/DataFolderDrop.js';
import { useExport } from './export-context.js';

const TARGETS = [
  { id: 'tensorrt', label: 'TensorRT (trtexec engine build)' },
  { id: 'triton', label: 'Triton Inference Server (model repository)' },
  { id: 'ort', label: 'ONNX Runtime (optimized model + session)' },
] as const;

/** Export: a deployment bundle for the target the model ships on, checked in ONNX Runtime first. */
export default function ExportPanel({ model }: { model: ModelInfo }) {
  const s = useExport((x) => x);
  const running = s.status === 'running';
  const p = s.progress;
  const dynamicInputs = model.summary.graph.inputs.filter((i) => i.shape === null || i.shape.some((d) => typeof d !== 'number'));
  return (
    <section className="analysis export" aria-label="Export" data-status={s.status}>
      <div className="analysis-controls">
        <label>
          Target{' '}
          <select aria-label="Target" value={s.target} disabled={running} onChange={(e) => s.set('target', e.target.value as typeof s.target)}>
            {TARGETS.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Precision{' '}
          <select aria-label="Precision" value={s.precision} disabled={running} onChange={(e) => s.set('precision', e.target.value as typeof s.precision)}>
            <option value="fp32">FP32</option>
            <option value="fp16">FP16</option>
            <option value="int8">INT8</option>
          </select>
        </label>
        {s.target === 'triton' && (
          <>
            <label>
              Instances{' '}
              <select aria-label="Instances" value={s.instance} disabled={running} onChange={(e) => s.set('instance', e.target.value as typeof s.instance)}>
                <option value="cpu">CPU</option>
                <option value="gpu">GPU</option>
              </select>
            </label>
            <label>
              <input type="checkbox" checked={s.tensorrtAccelerator} disabled={running || s.instance !== 'gpu'} onChange={(e) => s.set('tensorrtAccelerator', e.target.checked)} /> TensorRT accelerator
            </label>
          </>
        )}
        {s.target === 'ort' && (
          <label>
            Optimization{' '}
            <select aria-label="Optimization" value={s.optimization} disabled={running} onChange={(e) => s.set('optimization', e.target.value as typeof s.optimization)}>
              <option value="basic">basic (portable)</option>
              <option value="extended">extended</option>
              <option value="all">all (this CPU only)</option>
            </select>
          </label>
        )}
        <label title={s.spec ? `${s.spec.color} ${s.spec.size.join('x')}, ${s.spec.layout}` : 'No preprocessing proposed for this model'}>
          <input type="checkbox" checked={s.bakePreprocess} disabled={running || !s.spec} onChange={(e) => s.set('bakePreprocess', e.target.checked)} /> Bake preprocessing (raw uint8 images in)
        </label>
        <label>
          Top-K{' '}
          <input aria-label="Top-K" type="number" min={0} max={1000} value={s.topK} disabled={running} onChange={(e) => s.set('topK', Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
        </label>
      </div>
      {dynamicInputs.length > 0 && (
        <div className="analysis-controls">
          {dynamicInputs.map((i) => (
            <label key={i.name}>
              {i.name} min:opt:max{' '}
              <input aria-label={`Shapes of ${i.name}`} placeholder="1x3x224x224:8x3x224x224:32x3x224x224" value={s.shapes[i.name] ?? ''} disabled={running} onChange={(e) => s.setShape(i.name, e.target.value)} />
            </label>
          ))}
        </div>
      )}
      {s.precision === 'int8' && (
        <DataFolderDrop
          label="Calibration folder"
          testId="export-calibration-drop"
          hint="Drop a folder of calibration images for INT8"
          {...(s.dataset ? { dataset: s.dataset } : {})}
          {...(s.upload ? { upload: s.upload } : {})}
          onFiles={(files, name) => void s.loadFolder(files, name)}
          onPath={(path) => void s.loadFolderPath(path)}
        />
      )}
      <div className="analysis-controls">
        <button type="button" disabled={running} onClick={() => void s.run()}>
          Export bundle
        </button>
        {running && (
          <button type="button" onClick={() => void s.cancel()}>
            Cancel
          </button>
        )}
      </div>
      {running && (
        <div role="progressbar" aria-label="Exporting" aria-valuemin={0} aria-valuemax={p?.total || 1} aria-valuenow={p?.done ?? 0}>
          <progress max={p?.total || 1} value={p?.done ?? 0} /> {p?.phase ?? 'starting'}
        </div>
      )}
      {s.error && <p role="alert">{s.error}</p>}
      {s.status === 'cancelled' && <p>Cancelled; nothing was written.</p>}
      {s.result && (
        <div className="quantize-result" aria-label="Export result">
          <p>
            <strong>{s.result.fileName ?? s.result.dir}</strong>: {s.result.target} bundle at {s.result.precision.toUpperCase()}, checked in ONNX Runtime (largest difference {s.result.maxAbsDiff.toPrecision(3)}).
            {s.result.downloadId ? ' Downloaded as a .zip.' : ''}
          </p>
          <ul>
            {s.result.files.map((f) => (
              <li key={f.path}>
                <code>{f.path}</code> {f.role}, {formatBytes(f.bytes)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
