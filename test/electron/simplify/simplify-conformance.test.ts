import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../shared/api/errors.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { simplifyModel } from '../../../electron/engine/simplify/simplify-model.js';
import { CONFORMANCE_ROOT, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

const CHECK_ALL = `
import json, sys, onnx
bad = []
for f in json.load(sys.stdin):
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True)
    except Exception as e:
        bad.append(f + ': ' + str(e).splitlines()[0])
print(json.dumps(bad))
`;

/** Originals ONNX Runtime itself cannot load or run (or feed) cannot be checked, so simplify refuses them; that is not a simplifier failure. */
const UNCHECKABLE = /^(ONNX Runtime cannot load the original model|ONNX Runtime fails running the original model|Input element type)/;

function conformanceFiles(): string[] {
  if (!existsSync(CONFORMANCE_ROOT)) throw new Error(`${CONFORMANCE_ROOT} is missing: install Debian's libonnx-testdata (npm test does this as root)`);
  return ['node', 'pytorch-converted', 'pytorch-operator', 'simple'].flatMap((suite) =>
    readdirSync(path.join(CONFORMANCE_ROOT, suite)).sort().map((d) => path.join(CONFORMANCE_ROOT, suite, d, 'model.onnx')).filter(existsSync),
  );
}

// Chunks of about 200 models keep each test well inside the time limit on a loaded machine.
const FILES = conformanceFiles();
const CHUNKS = Array.from({ length: Math.ceil(FILES.length / 200) }, (_, k) => ({ first: k * 200 + 1, files: FILES.slice(k * 200, (k + 1) * 200) }));

describe("simplify on the ONNX conformance models (Debian's libonnx-testdata)", () => {
  const out = tempDir('simplify-conformance-');
  let simplified = 0;
  let changed = 0;

  it.each(CHUNKS)('models from number $first on simplify, when ONNX Runtime can run them, into models that compute the same and pass python onnx full_check', async ({ files }) => {
    const failures: string[] = [];
    const written: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      try {
        const { model, report } = await simplifyModel(decodeModel(bytes), { original: bytes });
        simplified++;
        if (report.nodesAfter !== report.nodesBefore) {
          const target = path.join(out, `${path.basename(path.dirname(file))}.onnx`);
          writeFileSync(target, encodeModel(model));
          written.push(target);
        }
      } catch (e) {
        if (!(e instanceof EngineError && UNCHECKABLE.test(e.message))) failures.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    changed += written.length;
    expect(failures).toEqual([]);
    expect(JSON.parse(runPython(CHECK_ALL, [], JSON.stringify(written)))).toEqual([]);
  });

  it('covered most of them', () => {
    expect(FILES.length).toBeGreaterThan(1000);
    expect(simplified).toBeGreaterThan(800);
    expect(changed).toBeGreaterThan(50);
  });
});
