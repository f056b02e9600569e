import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { desktopBridge } from './api/bridge.js';
import { desktopHost } from './api/desktop-host.js';
import { httpHost } from './api/http-host.js';
import { App } from './components/App.js';
import { createAppStore } from './store/app-store.js';
import { StoreContext } from './store/store-context.js';
import './styles.css';

// The transport is picked once at boot: Electron's preload bridge when present, else HTTP.
const bridge = desktopBridge();
const host = bridge ? desktopHost(bridge) : httpHost();
const store = createAppStore(host);
host.onCommand?.((command) => void (command === 'open' ? store.getState().openWithDialog() : store.getState().save()));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App desktop={host.kind === 'desktop'} />
    </StoreContext.Provider>
  </StrictMode>,
);
