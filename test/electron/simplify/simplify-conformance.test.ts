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

describe("simplify on the ONNX conformance models (Debian's libonnx-testdata)", () => {
  it('simplifies every model ONNX Runtime can run into one that computes the same and passes python onnx full_check', async () => {
    expect(existsSync(CONFORMANCE_ROOT), `${CONFORMANCE_ROOT} is missing: install libonnx-testdata`).toBe(true);
    const files = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'].flatMap((suite) =>
      readdirSync(path.join(CONFORMANCE_ROOT, suite)).sort().map((d) => path.join(CONFORMANCE_ROOT, suite, d, 'model.onnx')).filter(existsSync),
    );
    const out = tempDir('simplify-conformance-');
    const failures: string[] = [];
    const written: string[] = [];
    let simplified = 0;
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
    expect(failures).toEqual([]);
    expect(simplified).toBeGreaterThan(800);
    expect(written.length).toBeGreaterThan(50);
    expect(JSON.parse(runPython(CHECK_ALL, [], JSON.stringify(written)))).toEqual([]);
  });
});
