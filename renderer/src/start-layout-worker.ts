// The page's first script: an async module of its own (renderer/vite.config.ts), it runs as soon as it
// has loaded, before the app's script (React, React Flow, the app) is evaluated. It starts the layout
// worker and, for a large model in browser mode, asks for its graph, so both run beside that script.
// It imports nothing heavy.
import { requestEarlyView } from './api/early-view.js';
import { prewarmLayoutWorker } from './graph/layout-worker-start.js';

prewarmLayoutWorker();
requestEarlyView();
