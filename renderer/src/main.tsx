import './start-layout-worker.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { desktopBridge } from './api/bridge.js';
import { desktopHost } from './api/desktop-host.js';
import { httpHost } from './api/http-host.js';
import { App } from './components/App.js';
import { setTextMeasure } from './graph/node-size.js';
import { createAppStore } from './store/app-store.js';
import { StoreContext } from './store/store-context.js';
import './styles.css';

// The layout worker is already starting (start-layout-worker.js, the first import).
performance.mark('app:script-start');

// Node boxes are sized from their text before layout; measure it with the font the nodes use.
const context = document.createElement('canvas').getContext('2d');
if (context) {
  context.font = `600 12px ${getComputedStyle(document.documentElement).fontFamily || 'system-ui'}`;
  const cache = new Map<string, number>();
  setTextMeasure((text) => cache.get(text) ?? (cache.set(text, context.measureText(text).width), cache.get(text)!));
}

// The transport is picked once at boot: Electron's preload bridge when present, else HTTP.
const bridge = desktopBridge();
const host = bridge ? desktopHost(bridge) : httpHost();
const store = createAppStore(host);
// The API calls of the boot start now, not after React's first render.
void store.getState().boot();
host.onCommand?.((command) => {
  const app = store.getState();
  if (command.kind === 'open') void app.openWithDialog();
  else if (command.kind === 'save') void app.save();
  else void app.openPath(command.path);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App desktop={host.kind === 'desktop'} />
    </StoreContext.Provider>
  </StrictMode>,
);
