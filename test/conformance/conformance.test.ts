import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../shared/api/client.js';
import { Engine } from '../../electron/engine/engine.js';
import { inProcessTransport } from '../../electron/engine/in-process-transport.js';
import { CONFORMANCE_ROOT, tempDir } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';

const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'];

function conformanceModels(): string[] {
  if (!existsSync(CONFORMANCE_ROOT)) {
    throw new Error(`${CONFORMANCE_ROOT} is missing: install Debian's libonnx-testdata (npm test does this as root)`);
  }
  const files: string[] = [];
  for (const suite of SUITES) {
    for (const dir of readdirSync(path.join(CONFORMANCE_ROOT, suite)).sort()) {
      const file = path.join(CONFORMANCE_ROOT, suite, dir, 'model.onnx');
      if (existsSync(file)) files.push(file);
    }
  }
  return files;
}

const COMPARE = `
import json, sys, onnx
pairs = json.load(sys.stdin)
bad = []
for original, resaved in pairs:
    if onnx.load(original) != onnx.load(resaved):
        bad.append(original)
print(json.dumps(bad))
`;

describe("ONNX conformance models (Debian's libonnx-testdata)", () => {
  it('each loads, validates and re-saves to a message equal to the original (python onnx.load)', async () => {
    const models = conformanceModels();
    expect(models.length).toBeGreaterThan(1000);
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const out = tempDir();
    const pairs: [string, string][] = [];
    const invalid: string[] = [];
    for (const [i, file] of models.entries()) {
      const info = await engine.openModel({ source: { kind: 'path', path: file } });
      const errors = info.problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) invalid.push(`${file}: ${errors[0]!.message}`);
      const resaved = path.join(out, `${i}.onnx`);
      const { jobId } = await engine.startSaveModel({ docId: info.docId, target: { kind: 'path', path: resaved } });
      const job = await engine.waitForJob(jobId);
      expect(job.status, `${file}: ${job.error?.message}`).toBe('succeeded');
      await engine.closeModel({ docId: info.docId });
      pairs.push([file, resaved]);
    }
    expect(invalid).toEqual([]);
    const unequal = JSON.parse(runPython(COMPARE, [], JSON.stringify(pairs))) as string[];
    expect(unequal).toEqual([]);
  });
});
