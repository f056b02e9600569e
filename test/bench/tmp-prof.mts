import { readFileSync } from 'node:fs';
import { decodeModel } from '../../shared/onnx/decode.js';
import { simplifyModel } from '../../electron/engine/simplify/simplify-model.js';
const bytes = readFileSync(process.argv[2]!);
const m = decodeModel(bytes);
const t = performance.now();
const r = await simplifyModel(m, { original: bytes, force: true, inputShapes: process.argv[3] ? { x: [1, 8] } : {} });
console.log(JSON.stringify({ ...r.report, passes: undefined }), (performance.now() - t).toFixed(0));
