import { useRef, useState, type DragEvent } from 'react';
import { useApp } from '../store/store-context.js';

/** Open button plus a drop zone for .onnx files (browser mode uploads them; desktop uses the dialog). */
export function OpenModel({ desktop }: { desktop: boolean }) {
  const openFile = useApp((s) => s.openFile);
  const openWithDialog = useApp((s) => s.openWithDialog);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void openFile(file);
  };

  return (
    <div
      className={over ? 'drop-zone over' : 'drop-zone'}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p>Drop an .onnx file here, or</p>
      <button type="button" className="primary" onClick={() => (desktop ? void openWithDialog() : input.current?.click())}>
        Open model…
      </button>
      <input
        ref={input}
        type="file"
        accept=".onnx,.json,.onnxtxt,.txt,.pbtxt,.prototxt,.pb"
        hidden
        aria-label="Model file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void openFile(file);
        }}
      />
    </div>
  );
}
