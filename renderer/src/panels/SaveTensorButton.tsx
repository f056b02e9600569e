import { useState } from 'react';
import { useApp } from '../store/store-context.js';

/** Netron's "save tensor as NumPy array": the engine writes the .npy; browser mode downloads it. */
export function SaveTensorButton({ docId, graphPath, name }: { docId: string; graphPath: string; name: string }) {
  const client = useApp((s) => s.client);
  const host = useApp((s) => s.host);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const save = async () => {
    setMessage(undefined);
    try {
      if (host.kind === 'desktop') {
        const path = await host.pickSavePath?.(`${name.replace(/[/\\:.]/g, '_') || 'tensor'}.npy`);
        if (!path) return;
        const result = await client.exportTensor({ docId, graphPath, name, target: { kind: 'path', path, overwrite: true } });
        setMessage({ ok: true, text: `Saved ${result.path ?? result.fileName}.` });
        return;
      }
      const result = await client.exportTensor({ docId, graphPath, name, target: { kind: 'download' } });
      const link = document.createElement('a');
      link.href = host.downloadUrl!(result.downloadId!);
      link.download = result.fileName;
      link.click();
      setMessage({ ok: true, text: `Saved ${result.fileName} (${result.bytesWritten.toLocaleString('en-US')} bytes) to your downloads.` });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <p>
      <button type="button" onClick={() => void save()}>
        Save as .npy
      </button>{' '}
      {message && <span className={message.ok ? 'muted' : 'error-text'}>{message.text}</span>}
    </p>
  );
}
