import { describe, expect, it } from 'vitest';
import { modelPathsFromArgv, routeCall } from '../../../electron/main/ipc-policy.js';

describe('desktop IPC policy', () => {
  const prefix = 'studio://app/';

  it('routes engine methods and desktop dialogs from our own window only', () => {
    expect(routeCall(`${prefix}index.html`, prefix, 'openModel')).toEqual({ to: 'engine', method: 'openModel' });
    expect(routeCall(`${prefix}index.html`, prefix, 'app.showOpenDialog')).toEqual({ to: 'desktop', method: 'app.showOpenDialog' });
    expect(routeCall(`${prefix}index.html`, prefix, 'app.showFolderDialog')).toEqual({ to: 'desktop', method: 'app.showFolderDialog' });
    expect(routeCall('https://evil.example/', prefix, 'openModel').to).toBe('reject');
    expect(routeCall('file:///tmp/page.html', prefix, 'openModel').to).toBe('reject');
    expect(routeCall(undefined, prefix, 'openModel').to).toBe('reject');
    expect(routeCall(`${prefix}index.html`, prefix, 'constructor').to).toBe('reject');
    expect(routeCall(`${prefix}index.html`, prefix, 'app.runShell').to).toBe('reject');
  });

  it('takes .onnx files from the command line and ignores flags', () => {
    expect(modelPathsFromArgv(['/usr/bin/onnx-studio', '--no-sandbox', 'a.onnx', 'notes.txt', 'B.ONNX'])).toEqual(['a.onnx', 'B.ONNX']);
  });
});
