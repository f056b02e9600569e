import { useEffect, useState } from 'react';
import { CartesianGrid, LabelList, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { bestOf, compareToCsv, compareToHtml, visibleRows } from '../../../shared/metrics/compare-export.js';
import type { CompareResult } from '../../../shared/metrics/compare-types.js';
import { MAIN } from '../../../shared/graph/graph-path.js';
import { DataFolderDrop } from '../components/DataFolderDrop.js';
import { download } from '../graph/export-image.js';
import { useGraph } from '../graph/graph-context.js';
import { useQuantize } from '../quantize/quantize-context.js';
import { useApp } from '../store/store-context.js';
import { useCompare } from './compare-context.js';

function AccuracyChart({ result }: { result: CompareResult }) {
  const labelled = result.models.some((m) => m.top1 !== undefined);
  const data = result.models.map((m) => ({ label: m.label, latency: Number(m.latencyMsP50.toFixed(3)), accuracy: Number((100 * (m.top1 ?? m.agreementTop1)).toFixed(2)) }));
  return (
    <figure aria-label="Accuracy against latency" className="compare-chart">
      <ResponsiveContainer width="100%" height={180}>
        <ScatterChart margin={{ left: 8, right: 90, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="latency" name="latency p50" unit=" ms" fontSize={10} />
          <YAxis type="number" dataKey="accuracy" name={labelled ? 'top-1' : 'agreement'} unit="%" fontSize={10} domain={['auto', 'auto']} width={48} />
          <Tooltip />
          <Scatter data={data} fill="#2f6fdf" isAnimationActive={false}>
            <LabelList dataKey="label" position="right" fontSize={10} />
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}

function Thumbnail({ file }: { file: string }) {
  const url = useCompare((s) => s.thumbnails[file]);
  const load = useCompare((s) => s.thumbnail);
  useEffect(() => load(file), [file, load]);
  return url ? <img src={url} alt={file} width={40} height={40} /> : <span className="thumb-placeholder" />;
}

/** FP32 / FP16 / INT8 side by side on the user's data; which layers lose accuracy; accuracy-aware INT8. */
export default function ComparePanel({ docId }: { docId: string }) {
  const c = useCompare((s) => s);
  const models = useApp((s) => s.models);
  const quantize = useQuantize((s) => s);
  const reveal = useGraph((s) => s.reveal);
  const path = useGraph((s) => s.path);
  const openGraph = useGraph((s) => s.openGraph);
  const [maxDrop, setMaxDrop] = useState('0.5');
  const others = models.filter((m) => m.docId !== docId);
  const result = c.result;
  const running = c.status === 'running';
  const p = c.progress;
  const base = (models.find((m) => m.docId === docId)?.fileName ?? 'model').replace(/\.onnx$/i, '');

  return (
    <section className="analysis compare" aria-label="Compare" data-status={c.status}>
      <div className="analysis-controls">
        <span>Compare with:</span>
        {others.length === 0 && <span className="muted">open or quantize another model first</span>}
        {others.map((m) => (
          <label key={m.docId}>
            <input type="checkbox" checked={c.variants.includes(m.docId)} disabled={running} onChange={(e) => c.setVariant(m.docId, e.target.checked)} /> {m.fileName}
          </label>
        ))}
        <button type="button" disabled={running || c.status === 'loading-data'} onClick={() => void c.run()}>
          Compare
        </button>
        {running && (
          <button type="button" onClick={() => void c.cancel()}>
            Cancel
          </button>
        )}
      </div>
      <DataFolderDrop
        label="Evaluation folder"
        testId="evaluation-drop"
        hint="Drop a folder of evaluation data here (one sub-folder per class gives accuracy)"
        {...(c.dataset ? { dataset: c.dataset } : {})}
        {...(c.upload ? { upload: c.upload } : {})}
        onFiles={(files, name) => void c.loadFolder(files, name)}
        onPath={(p) => void c.loadFolderPath(p)}
      />
      {running && (
        <div role="progressbar" aria-label="Comparing" aria-valuemin={0} aria-valuemax={p?.total || 1} aria-valuenow={p?.done ?? 0}>
          <progress max={p?.total || 1} value={p?.done ?? 0} /> {p?.phase ?? 'starting'}
          {p && p.phase === 'evaluating' ? `: ${p.done} of ${p.total - 1} samples` : ''}
          {p?.etaSeconds !== undefined ? `, about ${p.etaSeconds} s left` : ''}
        </div>
      )}
      {c.error && <p role="alert">{c.error}</p>}
      {c.status === 'cancelled' && <p>Cancelled.</p>}
      {result && (
        <>
          <p className="muted">
            {result.samples} samples from {result.dataset} on {result.backend}
            {result.skipped ? `, ${result.skipped} skipped` : ''}.{' '}
            <button type="button" className="link" onClick={() => download(new Blob([compareToHtml(result)], { type: 'text/html' }), `${base}-comparison.html`)}>
              HTML report
            </button>{' '}
            <button type="button" className="link" onClick={() => download(new Blob([compareToCsv(result)], { type: 'text/csv' }), `${base}-comparison.csv`)}>
              CSV
            </button>{' '}
            <button type="button" className="link" onClick={() => download(new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }), `${base}-comparison.json`)}>
              JSON
            </button>
          </p>
          <div className="compare-body">
            <table aria-label="Comparison">
              <thead>
                <tr>
                  <th>metric</th>
                  {result.models.map((m) => (
                    <th key={m.label} scope="col">
                      {m.label}
                      <br />
                      <small>{m.precision}</small>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {visibleRows(result).map((row) => {
                  const best = bestOf(row, result.models);
                  return (
                    <tr key={row.key} data-metric={row.key}>
                      <th scope="row">{row.label}</th>
                      {result.models.map((m, i) => {
                        const v = row.value(m);
                        return (
                          <td key={m.label} data-best={best.has(i) ? 'true' : undefined}>
                            {v === undefined || v === null ? '–' : row.format(v)}
                            {best.has(i) ? ' ★' : ''}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <AccuracyChart result={result} />
          </div>
          <details open={result.disagreements.length > 0 && result.disagreements.length <= 20}>
            <summary>{result.disagreements.length + result.moreDisagreements} samples where a variant disagrees with the reference</summary>
            <ul className="disagreements" aria-label="Disagreements">
              {result.disagreements.map((d) => (
                <li key={d.sample}>
                  <Thumbnail file={d.sample} /> {d.sample}
                  {d.label ? ` (label ${d.label})` : ''}: reference {d.reference};{' '}
                  {Object.entries(d.variants)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ')}
                </li>
              ))}
            </ul>
          </details>
          <div className="analysis-controls">
            <span>Per-layer error of</span>
            {result.models.slice(1).map((m) => (
              <button key={m.label} type="button" disabled={c.layers?.status === 'running'} onClick={() => m.docId && void c.runLayers(m.docId)}>
                {m.label}
              </button>
            ))}
          </div>
        </>
      )}
      {c.layers?.status === 'running' && <p role="status">Comparing layers…</p>}
      {c.layers?.error && <p role="alert">{c.layers.error}</p>}
      {c.layers?.result && (
        <table aria-label="Per-layer error">
          <thead>
            <tr>
              <th>tensor</th>
              <th>node</th>
              <th>SQNR vs reference (dB)</th>
              <th>added by its own quantization (dB)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {c.layers.result.layers.slice(0, 50).map((l) => (
              <tr key={l.tensor}>
                <td>
                  <button
                    type="button"
                    className="link"
                    disabled={l.nodeIndex === undefined}
                    onClick={async () => {
                      if (path !== MAIN) await openGraph(MAIN);
                      await reveal(l.nodeIndex!);
                    }}
                  >
                    {l.tensor}
                  </button>
                </td>
                <td>{l.nodeName ? `${l.opType} ${l.nodeName}` : 'graph input'}</td>
                <td>{l.sqnrDb === null ? 'identical' : l.sqnrDb.toFixed(1)}</td>
                <td>{l.localSqnrDb === undefined ? '–' : l.localSqnrDb === null ? 'exact' : l.localSqnrDb.toFixed(1)}</td>
                <td>
                  {l.nodeName && quantize.dataset && (
                    <button
                      type="button"
                      disabled={quantize.status === 'running'}
                      onClick={() => {
                        quantize.exclude(l.nodeName!);
                        void quantize.run().then((r) => r && c.setVariant(r.docId, true));
                      }}
                    >
                      Exclude and re-quantize
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c.dataset && c.dataset.classes.length > 1 && (
        <div className="analysis-controls" aria-label="Accuracy target">
          <label>
            Quantize to at most{' '}
            <input aria-label="Maximum accuracy drop" value={maxDrop} onChange={(e) => setMaxDrop(e.target.value)} size={4} /> points below FP32
          </label>
          <button
            type="button"
            disabled={!quantize.dataset || c.accuracy?.status === 'running' || !(Number(maxDrop) >= 0)}
            title={quantize.dataset ? 'Leaves the worst layers in float until the drop is met' : 'Choose calibration data in the Quantize panel first'}
            onClick={() => void c.meetAccuracy(quantize.dataset!.datasetId, Number(maxDrop), { backend: quantize.backend, ...(quantize.method ? { method: quantize.method } : {}) })}
          >
            Find layers to keep in float
          </button>
          {!quantize.dataset && <span className="muted">needs calibration data from the Quantize panel</span>}
          {c.accuracy?.status === 'running' && (
            <span role="progressbar" aria-label="Accuracy-aware quantization" aria-valuemin={0} aria-valuemax={c.accuracy.progress?.total || 1} aria-valuenow={c.accuracy.progress?.done ?? 0}>
              {c.accuracy.progress?.phase ?? 'starting'}…
            </span>
          )}
          {c.accuracy?.error && <span role="alert">{c.accuracy.error}</span>}
        </div>
      )}
      {c.accuracy?.result?.accuracy && (
        <ol className="accuracy-steps" aria-label="Accuracy-aware steps">
          {c.accuracy.result.accuracy.steps.map((st, i) => (
            <li key={i}>
              top-1 {(100 * st.top1).toFixed(2)}% (drop {st.dropPoints.toFixed(2)} points), in float: {st.excluded.join(', ') || 'nothing'}
            </li>
          ))}
          <li>
            {c.accuracy.result.accuracy.met ? `Met: ${c.accuracy.result.fileName} opened next to the original.` : `Not met: ${c.accuracy.result.fileName} is the best model found (drop ${c.accuracy.result.accuracy.steps[c.accuracy.result.accuracy.chosenStep]!.dropPoints.toFixed(2)} points), opened next to the original.`}
          </li>
        </ol>
      )}
    </section>
  );
}
