import { useMemo, useState } from 'react';
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBytes } from '../../../shared/model/format.js';
import { MAIN } from '../../../shared/graph/graph-path.js';
import { chromeTrace, profileToCsv, profileToNetronAttachment } from '../../../shared/profile/profile-export.js';
import { resolveInputShapes } from '../../../shared/profile/input-shapes.js';
import type { ProfiledNode, ProfileResult } from '../../../shared/profile/profile-types.js';
import type { ValueSummary } from '../../../shared/model/summary.js';
import { download } from '../graph/export-image.js';
import { useGraph } from '../graph/graph-context.js';
import { useProfile } from './profile-context.js';

type SortKey = 'ms' | 'pct' | 'opType' | 'name' | 'shape';

function histogram(samples: number[]): { ms: string; runs: number }[] {
  if (samples.length === 0) return [];
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  const bins = 20;
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const s of samples) counts[Math.min(bins - 1, Math.floor((s - min) / width))]!++;
  return counts.map((runs, i) => ({ ms: (min + (i + 0.5) * width).toFixed(2), runs }));
}

function LatencyChart({ result }: { result: ProfileResult }) {
  return (
    <figure aria-label="Latency distribution">
      <ResponsiveContainer width="100%" height={120}>
        <BarChart data={histogram(result.samplesMs)} margin={{ left: 0, right: 8, top: 4, bottom: 4 }}>
          <XAxis dataKey="ms" fontSize={10} />
          <YAxis allowDecimals={false} fontSize={10} width={28} />
          <Tooltip formatter={(v) => [String(v), 'runs']} labelFormatter={(l) => `${String(l)} ms`} />
          <Bar dataKey="runs" fill="#2f6fdf" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function OpTimeChart({ nodes }: { nodes: ProfiledNode[] }) {
  const byType = new Map<string, number>();
  for (const n of nodes) byType.set(n.opType, (byType.get(n.opType) ?? 0) + n.ms);
  const data = [...byType.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([opType, ms]) => ({ opType, ms: Number(ms.toFixed(3)) }));
  return (
    <figure aria-label="Time by op type">
      <ResponsiveContainer width="100%" height={150}>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16, top: 4, bottom: 4 }}>
          <XAxis type="number" fontSize={10} unit=" ms" />
          <YAxis type="category" dataKey="opType" width={120} fontSize={11} interval={0} />
          <Tooltip formatter={(v) => [`${String(v)} ms`, 'time']} />
          <Bar dataKey="ms" fill="#d9534f" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Latency, throughput and per-layer time on a chosen backend; colours the graph by time. */
export default function ProfilePanel({ fileName, inputs }: { fileName: string; inputs: ValueSummary[] }) {
  const dims = useProfile((s) => s.dims);
  const setDims = useProfile((s) => s.setDims);
  const status = useProfile((s) => s.status);
  const settings = useProfile((s) => s.settings);
  const setSetting = useProfile((s) => s.setSetting);
  const backends = useProfile((s) => s.backends);
  const progress = useProfile((s) => s.progress);
  const result = useProfile((s) => s.result);
  const error = useProfile((s) => s.error);
  const run = useProfile((s) => s.run);
  const cancel = useProfile((s) => s.cancel);
  const heatOn = useProfile((s) => s.heatOn);
  const setHeat = useProfile((s) => s.setHeat);
  const reveal = useGraph((s) => s.reveal);
  const path = useGraph((s) => s.path);
  const openGraph = useGraph((s) => s.openGraph);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'ms', desc: true });
  const rows = useMemo(() => {
    if (!result) return [];
    const sign = sort.desc ? -1 : 1;
    return [...result.nodes].sort((a, b) => sign * (typeof a[sort.key] === 'number' ? (a[sort.key] as number) - (b[sort.key] as number) : String(a[sort.key]).localeCompare(String(b[sort.key])))).slice(0, 200);
  }, [result, sort]);
  // The dims the engine feeds when none are typed (batch 1, other symbols 128), shown in the dims boxes.
  const defaultShapes = useMemo(() => {
    try {
      return resolveInputShapes(inputs).shapes;
    } catch {
      return {}; // an input without a shape: its box starts empty and the engine says what to give
    }
  }, [inputs]);
  const base = fileName.replace(/\.onnx$/i, '');
  const running = status === 'running';
  const pct = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : undefined;
  const goTo = async (n: ProfiledNode) => {
    if (n.nodeIndices.length === 0) return;
    if (path !== MAIN) await openGraph(MAIN);
    await reveal(n.nodeIndices.at(-1)!);
  };
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key === 'ms' || key === 'pct' })}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▾' : ' ▴') : ''}
      </button>
    </th>
  );

  return (
    <section className="analysis profile" aria-label="Profile" data-status={status}>
      <div className="analysis-controls">
        <label>
          Backend{' '}
          <select aria-label="Backend" value={settings.backend} onChange={(e) => setSetting('backend', e.target.value)}>
            {(backends ?? [{ id: 'cpu', name: 'ONNX Runtime CPU', available: true }]).map((b) => (
              <option key={b.id} value={b.id} disabled={!b.available} title={b.reason ?? b.name}>
                {b.name}
                {b.available ? '' : ' (not available)'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Optimization{' '}
          <select aria-label="Optimization" value={settings.optimization} onChange={(e) => setSetting('optimization', e.target.value as typeof settings.optimization)}>
            {['disabled', 'basic', 'extended', 'all'].map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Threads <input aria-label="Threads" className="small-number" placeholder="auto" value={settings.threads} onChange={(e) => setSetting('threads', e.target.value)} />
        </label>
        {inputs
          .filter((v) => v.shape?.some((d) => typeof d !== 'number'))
          .map((v) => (
            <label key={v.name}>
              {v.name}{' '}
              <input aria-label={`Profile dims of ${v.name}`} className="dims-input" value={dims[v.name] ?? (defaultShapes[v.name] ?? []).join(' x ')} onChange={(e) => setDims(v.name, e.target.value)} />
            </label>
          ))}
        <label>
          Runs <input aria-label="Runs" className="small-number" value={settings.runs} onChange={(e) => setSetting('runs', e.target.value)} />
        </label>
        <label>
          Warm-up <input aria-label="Warm-up runs" className="small-number" value={settings.warmup} onChange={(e) => setSetting('warmup', e.target.value)} />
        </label>
        {running ? (
          <>
            <div className="progress" role="progressbar" aria-label="Profiling" aria-valuemin={0} aria-valuemax={100} {...(pct !== undefined ? { 'aria-valuenow': pct } : {})}>
              <div className={pct !== undefined ? 'progress-fill' : 'progress-fill indeterminate'} style={pct !== undefined ? { width: `${pct}%` } : undefined} />
            </div>
            <span className="muted">{progress?.phase}</span>
            <button type="button" onClick={() => void cancel()}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="primary" onClick={() => void run()}>
            Run profile
          </button>
        )}
        <label>
          <input type="checkbox" checked={heatOn} onChange={(e) => setHeat(e.target.checked)} /> Colour graph by time
        </label>
        <span className="spacer" />
        <button type="button" disabled={!result} onClick={() => download(new Blob([chromeTrace(result!.trace)], { type: 'application/json' }), `${base}.trace.json`)}>
          Chrome trace
        </button>
        <button type="button" disabled={!result} onClick={() => download(new Blob([profileToCsv(result!)], { type: 'text/csv' }), `${base}.profile.csv`)}>
          CSV
        </button>
        <button type="button" disabled={!result} onClick={() => download(new Blob([profileToNetronAttachment(result!)], { type: 'application/json' }), `${base}.profile.attachment.json`)}>
          Netron attachment
        </button>
      </div>
      {error && <p className="error-text">{error}</p>}
      {status === 'cancelled' && <p className="muted">Cancelled.</p>}
      {result && (
        <div className="analysis-body">
          <div className="analysis-summary">
            <dl className="facts" aria-label="Latency">
              <dt>Mean</dt>
              <dd data-testid="latency-mean">{result.latencyMs.mean.toFixed(3)} ms</dd>
              <dt>p50 / p90 / p99</dt>
              <dd>
                {result.latencyMs.p50.toFixed(3)} / {result.latencyMs.p90.toFixed(3)} / {result.latencyMs.p99.toFixed(3)} ms
              </dd>
              <dt>Min / max</dt>
              <dd>
                {result.latencyMs.min.toFixed(3)} / {result.latencyMs.max.toFixed(3)} ms
              </dd>
              <dt>Runs</dt>
              <dd>{result.runs}</dd>
              <dt>Layers cover</dt>
              <dd data-testid="coverage">{(100 * result.coverage).toFixed(1)}% of the run</dd>
              <dt>Peak memory</dt>
              <dd>{formatBytes(result.peakRssBytes)}</dd>
              <dt>Inputs fed</dt>
              <dd data-testid="shapes-run">
                {Object.entries(result.shapesRun)
                  .map(([name, shape]) => `${name} ${shape.join('×') || 'scalar'}`)
                  .join(', ')}
                {result.assumedDims && (
                  <span className="muted" data-testid="assumed-dims">
                    {' '}
                    (assumed{' '}
                    {Object.entries(result.assumedDims)
                      .map(([dim, value]) => `${dim} = ${value}`)
                      .join(', ')}
                    ; type other dims above)
                  </span>
                )}
              </dd>
            </dl>
            <LatencyChart result={result} />
            {result.throughputError && (
              <p className="error-text" data-testid="throughput-error">
                {result.throughputError}
              </p>
            )}
            {result.throughput && (
              <table aria-label="Throughput">
                <thead>
                  <tr>
                    <th>Batch</th>
                    <th>Latency</th>
                    <th>Samples/s</th>
                  </tr>
                </thead>
                <tbody>
                  {result.throughput.map((t) => (
                    <tr key={t.batch}>
                      <td className="num">{t.batch}</td>
                      <td className="num">{t.latencyMs.toFixed(2)} ms</td>
                      <td className="num">{t.perSecond.toFixed(0)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <OpTimeChart nodes={result.nodes} />
          </div>
          <div className="analysis-table">
            <table aria-label="Per-layer time">
              <thead>
                <tr>
                  {header('name', 'Kernel')}
                  {header('opType', 'Op')}
                  {header('ms', 'Time')}
                  {header('pct', 'Share')}
                  {header('shape', 'Shape')}
                  <th>Fuses</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((n) => (
                  <tr key={n.name} onClick={() => void goTo(n)}>
                    <td className="name-cell">{n.name}</td>
                    <td>{n.opType}</td>
                    <td className="num">{n.ms.toFixed(3)} ms</td>
                    <td className="num">{n.pct.toFixed(1)}%</td>
                    <td>{n.shape}</td>
                    <td className="name-cell muted">{n.fusedFrom?.join(', ') ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
