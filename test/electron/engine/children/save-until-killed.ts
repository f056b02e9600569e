/**
 * A child process for the save fault test: saves a 24 MB model over argv[2] with the real save code
 * (the writer reports progress after each 8 MB it writes).
 * After each progress report it prints the figures and waits for a line on stdin, so the parent can
 * SIGKILL it at exactly that point (or let it go on).
 */
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { saveModel } from '../../../../electron/engine/model-writer.js';
import { readModelFile } from '../../../../electron/engine/model-reader.js';
import { encodeModel } from '../../../../shared/onnx/encode.js';
import type { TensorProto } from '../../../../shared/onnx/types.js';

const [, , target, source] = process.argv as [string, string, string, string];
const loaded = await readModelFile(source);
const extra: TensorProto[] = [];
for (let i = 0; i < 6; i++) {
  const values = new Float32Array(1 << 20).map((_, j) => (i * 31 + j) % 997);
  extra.push({ name: `padding_${i}`, dims: [values.length], dataType: 1, rawData: new Uint8Array(values.buffer) });
}
const model = { ...loaded.model, graph: { ...loaded.model.graph!, initializer: [...(loaded.model.graph!.initializer ?? []), ...extra] } };
process.stdout.write(`expect ${createHash('sha256').update(encodeModel(model)).digest('hex')}\n`);
const line = Buffer.alloc(16);
await saveModel(model, target, {
  overwrite: true,
  onProgress: (done, total) => {
    process.stdout.write(`progress ${done} ${total}\n`);
    readSync(0, line, 0, line.length, null);
  },
});
process.stdout.write('saved\n');
