// A small, fast subset of `npm run sweep` (the whole corpus needs torch and hours): the trained digits
// fixture and a two-input model written by python3-onnx go through every column with the real CLI,
// onnxruntime-node and Chromium, and the sweep's own judges are shown to catch what they must.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgreementMeter } from '../../scripts/sweep/agreement.js';
import type { CorpusModel } from '../../scripts/sweep/corpus-manifest.js';
import { compareRewrites, judgeRewrite } from '../../scripts/sweep/exact-agreement.js';
import { failedCommand } from '../../scripts/sweep/inspect-step.js';
import { checkerProblem } from '../../scripts/sweep/onnx-checker.js';
import { loadModel, runModel } from '../../scripts/sweep/ort-runner.js';
import { judgeAgreement } from '../../scripts/sweep/quantize-step.js';
import { seededSample } from '../../scripts/sweep/seeded-tensors.js';
import { SweepContext, type SweepOptions } from '../../scripts/sweep/sweep-context.js';
import { sweepModel } from '../../scripts/sweep/sweep-model.js';
import { builtCli, DIGITS, repoRoot, tempDir } from '../helpers/paths.js';
import { runPython } from '../helpers/python.js';

const OPTIONS: SweepOptions = { repoRoot, modelLimitSeconds: 170, threads: 1, samples: 16 };

/** The manifest entry scripts/corpus.py would write, with the reference MACs from its python3-onnx counter. */
function entryFor(name: string, file: string, kind: string): CorpusModel {
  const facts = JSON.parse(
    runPython(
      `
import json, sys, onnx
sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'scripts'))})
from corpus_macs import count_onnx
m = onnx.load(sys.argv[1])
inits = {i.name for i in m.graph.initializer}
inputs = [{"name": i.name, "elemType": onnx.TensorProto.DataType.Name(i.type.tensor_type.elem_type),
           "shape": [d.dim_value for d in i.type.tensor_type.shape.dim]} for i in m.graph.input if i.name not in inits]
macs, params = count_onnx(sys.argv[1], {i["name"]: i["shape"] for i in inputs})
print(json.dumps({"inputs": inputs, "macs": macs, "params": params, "nodes": len(m.graph.node),
                  "opset": next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))}))
`,
      [file],
    ),
  ) as { inputs: CorpusModel['inputs']; macs: number; params: number; nodes: number; opset: number };
  return {
    name,
    file: path.basename(file),
    source: 'test',
    kind,
    opset: facts.opset,
    nodes: facts.nodes,
    bytes: 0,
    inputs: facts.inputs,
    sweepInputs: facts.inputs.map((i) => ({ name: i.name, shape: i.shape as number[] })),
    macsRef: facts.macs,
    paramsRef: facts.params,
  };
}

describe('corpus sweep subset', () => {
  let dir: string;
  let twoInput: string;
  beforeAll(() => {
    builtCli();
    dir = tempDir('corpus-subset-');
    twoInput = path.join(dir, 'two-input.onnx');
    // Written by python3-onnx, not by our codec: y = MatMul(a, W) + b, z = Relu(y) with a [1,16], b [1,8].
    runPython(
      `
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
rng = np.random.default_rng(7)
w = numpy_helper.from_array(rng.standard_normal((16, 8)).astype(np.float32), "W")
g = helper.make_graph(
    [helper.make_node("MatMul", ["a", "W"], ["m"], name="mm"), helper.make_node("Add", ["m", "b"], ["y"], name="add"),
     helper.make_node("Relu", ["y"], ["z"], name="relu")],
    "two_input",
    [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 16]), helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 8])],
    [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 8])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(m, full_check=True)
onnx.save(m, sys.argv[1])
`,
      [twoInput],
    );
  });

  it('sweeps the trained digits model: every column passes or refuses in one sentence', { timeout: 200_000 }, async () => {
    const file = path.join(dir, 'digits.onnx');
    copyFileSync(DIGITS, file);
    const entry = entryFor('digits', file, 'classification');
    expect(entry.macsRef).toBeGreaterThan(0);
    const result = await sweepModel(entry, file, path.join(dir, 'work-digits'), OPTIONS, 'test');
    const statuses = Object.fromEntries(Object.entries(result.cells).map(([c, cell]) => [c, `${cell.status}: ${cell.text}`]));
    for (const [column, cell] of Object.entries(result.cells)) expect(['pass', 'refused', 'n/a'], statuses[column]).toContain(cell.status);
    // The columns that have an oracle verdict must reach it, not refuse or time out.
    expect(result.cells.inspect.status).toBe('pass');
    expect(result.cells.analyze.status, statuses.analyze).toBe('pass');
    expect(result.cells.analyze.text).toContain('(+0.0%)');
    expect(result.cells.viewer.status, statuses.viewer).toBe('pass');
    expect(result.cells.fp16.status, statuses.fp16).toBe('pass');
    expect(result.cells.profile.status, statuses.profile).toBe('pass');
    expect(result.cells.simplify.status, statuses.simplify).toBe('pass');
    expect(result.cells.simplify.text).toMatch(new RegExp(`^nodes ${entry.nodes} -> \\d+; `));
    expect(result.cells.convert.status, statuses.convert).toBe('pass');
    expect(result.cells.convert.text).toMatch(new RegExp(`^${entry.opset}->17 ok .*; 17->${entry.opset} ok `));
  });

  it('feeds every input of a two-input model to profile, the quantizers and the batch edit', { timeout: 200_000 }, async () => {
    const entry = entryFor('two-input', twoInput, 'sequence');
    // python3-onnx's counter: a [1,16] x W [16,8] MatMul is 128 MACs.
    expect(entry.macsRef).toBe(128);
    // The viewer and INT8 dynamic have been shown on digits; this model is about feeding two inputs.
    const columns = ['analyze', 'profile', 'fp16', 'int8-static', 'batch'] as const;
    const result = await sweepModel(entry, twoInput, path.join(dir, 'work-two'), OPTIONS, 'test', columns);
    for (const column of columns) expect(['pass', 'refused'], `${column}: ${result.cells[column].text}`).toContain(result.cells[column].status);
    expect(result.cells.analyze.text).toContain('MACs 128 vs 128');
    expect(result.cells.profile.status, result.cells.profile.text).toBe('pass');
  });

  it('judges a variant that computes something else as wrong, and an invalid file as invalid', async () => {
    // A "variant" whose MatMul weight was negated loads and runs, but disagrees with the original.
    const wrong = path.join(dir, 'negated.onnx');
    runPython(
      `
import sys, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
w = m.graph.initializer[0]
w.CopyFrom(numpy_helper.from_array(-numpy_helper.to_array(w), w.name))
onnx.save(m, sys.argv[2])
`,
      [twoInput, wrong],
    );
    const entry = entryFor('two-input', twoInput, 'classification');
    const types = Object.fromEntries(entry.inputs.map((i) => [i.name, i.elemType]));
    const reference = await loadModel(twoInput, 1);
    const variant = await loadModel(wrong, 1);
    const same = new AgreementMeter(true);
    const different = new AgreementMeter(true);
    for (let s = 0; s < 8; s++) {
      const feeds = seededSample(entry.sweepInputs, types, s, entry.kind);
      const expected = await runModel(reference, feeds);
      same.add(expected, await runModel(reference, feeds));
      different.add(expected, await runModel(variant, feeds));
    }
    expect(judgeAgreement('int8-static', same.result(), '').status).toBe('pass');
    const verdict = judgeAgreement('int8-static', different.result(), '');
    expect(verdict.status).toBe('fail');
    expect(verdict.text).toContain('wrong without saying so');

    // A rewrite (simplify, convert) has no error budget: 1e-4 relative is the bar, whatever the tool said.
    const scaled = (factor: number, out: string) => {
      runPython(
        `
import sys, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
w = m.graph.initializer[0]
w.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(w) * float(sys.argv[3]), w.name))
onnx.save(m, sys.argv[2])
`,
        [twoInput, out, String(factor)],
      );
      return out;
    };
    const ctx = new SweepContext(entry, twoInput, dir, OPTIONS);
    const rewrites = await compareRewrites(ctx, [twoInput, scaled(1 + 1e-6, path.join(dir, 'close.onnx')), scaled(1 + 1e-3, path.join(dir, 'off.onnx')), wrong]);
    const [itself, close, off, negated] = rewrites.map(judgeRewrite);
    expect(itself!).toEqual({ problem: null, figures: 'identical on 4 inputs' });
    expect(close!.problem).toBeNull();
    expect(off!.problem).toMatch(/^wrong without saying so: output 'z' differs by \d\.\de-[34] relative/);
    expect(negated!.problem).toMatch(/^wrong without saying so/);

    // IR 3 requires every initializer to be a graph input too; python3-onnx's checker says so.
    const invalid = path.join(dir, 'ir3-missing-input.onnx');
    runPython(
      `
import sys, onnx
m = onnx.load(sys.argv[1])
m.ir_version = 3
onnx.save(m, sys.argv[2])
`,
      [twoInput, invalid],
    );
    expect(await checkerProblem(twoInput, 60)).toBeNull();
    expect(await checkerProblem(invalid, 60)).toMatch(/initializer but not in graph input/);
  });

  it('counts a one-sentence exit 1 as a refusal and anything else as a failure', () => {
    const base = { stdout: '', timedOut: false, seconds: 1 };
    expect(failedCommand({ ...base, code: 1, stderr: 'onnx-studio: Cannot convert: the model has an If node.\n' }, 'quantize').status).toBe('refused');
    expect(failedCommand({ ...base, code: 1, stderr: 'TypeError: x is undefined\n    at f (file.js:1:1)\n' }, 'quantize').status).toBe('fail');
    expect(failedCommand({ ...base, code: 134, stderr: 'Aborted\n' }, 'quantize').status).toBe('fail');
    expect(failedCommand({ ...base, code: null, stderr: '', timedOut: true }, 'quantize').status).toBe('timeout');
  });

  it('writes the seeded .npy files numpy reads back unchanged', async () => {
    const { writeNpy } = await import('../../scripts/sweep/npy-file.js');
    const [t] = seededSample([{ name: 'x', shape: [2, 3, 5] }], { x: 'FLOAT' }, 3, 'classification');
    const file = path.join(dir, 'x.npy');
    writeNpy(file, t!);
    writeFileSync(path.join(dir, 'x.json'), JSON.stringify(Array.from(t!.data as Float32Array)));
    const out = runPython(
      `
import sys, json, numpy as np
a = np.load(sys.argv[1])
b = np.array(json.load(open(sys.argv[2])), dtype=np.float32).reshape(2, 3, 5)
print(a.dtype, a.shape, bool((a == b).all()))
`,
      [file, path.join(dir, 'x.json')],
    );
    expect(out.trim()).toBe('float32 (2, 3, 5) True');
  });
});
