import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const EARLY_ENTRY = 'start-layout-worker';

/**
 * Puts the small entry that starts the layout worker in the page as an async module script: it runs as
 * soon as it has loaded, while the page is still arriving (browser mode streams the embedded boot
 * replies) and before the app's own script is evaluated. Vite merges the module scripts written in
 * index.html into one entry, so this one is added to the built page here.
 */
function earlyLayoutWorker(): Plugin {
  return {
    name: 'onnx-studio-early-layout-worker',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        const chunk = Object.values(context.bundle ?? {}).find((c) => c.type === 'chunk' && c.isEntry && c.name === EARLY_ENTRY);
        return chunk ? [{ tag: 'script', attrs: { type: 'module', async: true, crossorigin: true, src: `./${chunk.fileName}` }, injectTo: 'head' }] : [];
      },
    },
  };
}

// The renderer is built to dist/renderer and loaded by Electron from disk (relative asset paths)
// or served by the browser-mode server.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), earlyLayoutWorker()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: { index: path.join(import.meta.dirname, 'index.html'), [EARLY_ENTRY]: path.join(import.meta.dirname, 'src', `${EARLY_ENTRY}.ts`) },
    },
  },
});
