import { readFileSync } from 'node:fs';
import { decodeModel } from '/work/main/shared/onnx/decode.js';
import { encodeModel } from '/work/main/shared/onnx/encode.js';
for (const f of ['/work/shared/fixtures/digits/digits-cnn.onnx','/work/shared/fixtures/shapes/shapes-mobilenet.onnx']) {
  const b = readFileSync(f);
  const m = decodeModel(b);
  const e = encodeModel(m);
  console.log(f, b.length, e.length, Buffer.compare(Buffer.from(e), b));
  console.log(m.irVersion, m.opsetImport, m.producerName, m.graph?.node?.length, m.graph?.node?.[0]);
}
