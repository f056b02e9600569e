// Writes a fixture's calib/ and eval/<class>/ images as .npy tensors made by ONNX Studio's own
// preprocessing, so ONNX Runtime's Python tools and `onnx-studio` can be compared on identical inputs.
// Usage: node scripts/quant-parity/export-tensors.mjs FIXTURE_DIR OUT_DIR   (after `node scripts/build.mjs`)
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../../dist/electron/engine/datasets/image-decode.js';
import { parsePreprocessSpec } from '../../dist/shared/preprocess/preprocess-spec.js';
import { pixelsToTensor } from '../../dist/shared/preprocess/to-tensor.js';

const [fixtureDir, outDir] = process.argv.slice(2);
if (!fixtureDir || !outDir) {
  process.stderr.write('usage: node scripts/quant-parity/export-tensors.mjs FIXTURE_DIR OUT_DIR\n');
  process.exit(2);
}
const spec = parsePreprocessSpec(JSON.parse(await fs.readFile(path.join(fixtureDir, 'preprocess.json'), 'utf8')));
const [h, w] = spec.size;
const c = spec.color === 'gray' ? 1 : 3;
const shape = spec.layout === 'NCHW' ? [1, c, h, w] : [1, h, w, c];

function npy(values) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  // Version 1.0: magic, version, header length; the header is padded so the data starts 64-byte aligned.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(values.buffer, values.byteOffset, values.byteLength)]);
}

async function convert(from, to) {
  await fs.mkdir(to, { recursive: true });
  let count = 0;
  for (const entry of (await fs.readdir(from, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) {
      count += await convert(src, path.join(to, entry.name));
      continue;
    }
    const ext = path.extname(entry.name).toLowerCase();
    if (!['.png', '.jpg', '.jpeg', '.bmp', '.webp'].includes(ext)) continue;
    const tensor = pixelsToTensor(await decodeImage(await fs.readFile(src), ext, spec), spec);
    await fs.writeFile(path.join(to, `${path.basename(entry.name, path.extname(entry.name))}.npy`), npy(tensor));
    count++;
  }
  return count;
}

for (const part of ['calib', 'eval']) {
  const n = await convert(path.join(fixtureDir, part), path.join(outDir, part));
  process.stdout.write(`${part}: ${n} tensors\n`);
}
