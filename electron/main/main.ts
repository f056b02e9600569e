import { app, BrowserWindow, dialog, ipcMain, Menu, session, utilityProcess, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reply } from '../../shared/api/errors.js';
import { HostClient } from '../../shared/api/host-client.js';
import type { FromEngine } from '../../shared/api/host-protocol.js';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol.js';
import { modelPathsFromArgv, routeCall, type DesktopMethod } from './ipc-policy.js';
import { RecentFiles } from './recent-files.js';

const distDir = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const rendererDir = path.join(distDir, 'renderer');
const rendererUrlPrefix = `${APP_ORIGIN}/`;

registerAppScheme();

let window: BrowserWindow | undefined;

/** The engine runs in a utility process: ONNX Runtime blocks its thread, and the UI must not. */
function startEngine(): HostClient {
  const child = utilityProcess.fork(path.join(distDir, 'electron', 'engine', 'engine-host.js'), [], { serviceName: 'ONNX Studio engine' });
  const client = new HostClient((m) => child.postMessage(m), { mode: 'desktop' });
  child.on('message', (m: FromEngine) => client.receive(m));
  child.on('exit', (code) => client.fail(`exit code ${code}`));
  client.subscribe((event) => window?.webContents.send('studio:engine-event', event));
  return client;
}

async function desktopCall(method: DesktopMethod, args: unknown): Promise<Reply<unknown>> {
  if (!window) return { ok: false, error: { code: 'INTERNAL', message: 'No window is open.' } };
  if (method === 'app.showFolderDialog') {
    const r = await dialog.showOpenDialog(window, { properties: ['openDirectory'], title: 'Choose a folder of calibration data' });
    return { ok: true, value: { path: r.canceled ? null : (r.filePaths[0] ?? null) } };
  }
  if (method === 'app.showOpenDialog') {
    const r = await dialog.showOpenDialog(window, { properties: ['openFile'], filters: [{ name: 'ONNX models', extensions: ['onnx', 'json', 'onnxtxt', 'pbtxt', 'prototxt', 'pb'] }] });
    return { ok: true, value: { path: r.canceled ? null : (r.filePaths[0] ?? null) } };
  }
  const defaultName = typeof (args as { defaultName?: unknown })?.defaultName === 'string' ? (args as { defaultName: string }).defaultName : 'model.onnx';
  const r = await dialog.showSaveDialog(window, { defaultPath: defaultName, filters: [{ name: 'ONNX models', extensions: ['onnx'] }] });
  return { ok: true, value: { path: r.canceled ? null : (r.filePath ?? null) } };
}

const recent = new RecentFiles(path.join(app.getPath('userData'), 'recent-files.json'));

function buildMenu(): void {
  const send = (command: unknown) => () => window?.webContents.send('studio:app-command', command);
  const recentItems: MenuItemConstructorOptions[] = recent.list().map((file) => ({ label: file, click: send({ openPath: file }) }));
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: send('open') },
        { label: 'Open Recent', submenu: recentItems.length > 0 ? recentItems : [{ label: 'No recent models', enabled: false }] },
        { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: send('save') },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function createWindow(engine: HostClient): Promise<void> {
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'ONNX Studio',
    webPreferences: {
      preload: path.join(distDir, 'electron', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // The app never navigates away from its own page or opens other windows.
  window.webContents.on('will-navigate', (e) => e.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.on('closed', () => (window = undefined));
  await engine.ready;
  for (const file of modelPathsFromArgv(process.argv)) {
    await engine.request('openModel', { source: { kind: 'path', path: path.resolve(file) } });
  }
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.whenReady().then(() => {
  // The page needs no web permission (camera, notifications, clipboard reads, geolocation...), so a
  // compromised page cannot get one either: every request and every check is refused.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer(rendererDir);
  const engine = startEngine();
  ipcMain.handle('studio:call', async (event, method: unknown, args: unknown): Promise<Reply<unknown>> => {
    const route = routeCall(event.senderFrame?.url, rendererUrlPrefix, method);
    if (route.to === 'reject') return { ok: false, error: { code: 'FORBIDDEN', message: route.reason } };
    if (route.to === 'desktop') return desktopCall(route.method, args);
    const reply = await engine.request(route.method, args);
    const source = (args as { source?: { kind?: string; path?: string } } | undefined)?.source;
    if (route.method === 'openModel' && reply.ok && source?.kind === 'path' && source.path) {
      await recent.add(path.resolve(source.path)).catch(() => undefined);
      buildMenu();
    }
    return reply;
  });
  void recent.load().then(buildMenu);
  void createWindow(engine);
  app.on('activate', () => {
    if (!window) void createWindow(engine);
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
