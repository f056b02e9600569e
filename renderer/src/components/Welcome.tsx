import { useApp } from '../store/store-context.js';
import { formatBytes } from '../../../shared/model/format.js';
import { OpenModel } from './OpenModel.js';

/** The first screen: what the app does, open a model, or start from a bundled sample. */
export function Welcome({ desktop }: { desktop: boolean }) {
  const samples = useApp((s) => s.samples);
  const openSample = useApp((s) => s.openSample);
  const busy = useApp((s) => s.task !== undefined);
  return (
    <main className="welcome" aria-label="Welcome">
      <h1>ONNX Studio</h1>
      <p className="lead">Open an ONNX model to inspect its graph, edit it, quantize it for your backend, profile it and compare variants.</p>
      <OpenModel desktop={desktop} />
      <section aria-label="Samples">
        <h2>Or start from a sample</h2>
        <ul className="samples">
          {samples.map((s) => (
            <li key={s.name}>
              <button type="button" disabled={busy} onClick={() => void openSample(s.name)} data-sample={s.name}>
                Open sample: {s.title}
              </button>
              <span className="muted">
                {' '}
                {s.description} ({formatBytes(s.sizeBytes)})
              </span>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
