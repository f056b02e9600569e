// Globals that every platform ONNX Studio runs on (Node, Chromium, Electron) provides, declared here
// because shared/ compiles without DOM or Node type libraries on purpose.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
