import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { opRegistry } from '../../../electron/engine/op-metadata.js';
import { floatValues } from '../../../electron/engine/evaluation/compare-run.js';
import { QUIET } from '../../../electron/engine/profiling/backends.js';
import { ConvertError } from '../../../shared/convert/convert-error.js';
import { convertOpset, defaultOpset } from '../../../shared/convert/opset-converter.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto } from '../../../shared/onnx/types.js';
import { CONFORMANCE_ROOT, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { referenceCase, toOrtTensor, worstMismatch, type ReferenceCase } from './reference-data.js';

/** Operators whose inputs, attributes or meaning changed between opsets 7 and 21 (the converter's adapters). */
const CHANGED = /^test_(max_|min_|mean_|sum_|dft|slice|pad|constant_pad|edge_pad|reflect_pad|wrap_pad|if|loop|clip|squeeze|unsqueeze|reduce_|split|resize|upsample|top_k|softmax|logsoftmax|hardmax|dropout|batchnorm|scan|maxpool|averagepool|constant|gemm|argmax|argmin|scatter|depthtospace|reshape|shape|quantizelinear|dequantizelinear|roialign|gridsample|flatten|concat|gather_|onehot|compress)/;
const TARGETS = [7, 8, 9, 10, 11, 13, 17, 21];

/** Conversions that must each succeed and match the reference at least once (the ones a user hits most). */
const BOTH = ['Slice', 'Pad', 'Clip', 'Squeeze', 'Unsqueeze', 'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceL2', 'Split', 'Resize', 'TopK', 'Softmax', 'LogSoftmax', 'Hardmax', 'Dropout', 'BatchNormalization', 'MaxPool', 'AveragePool', 'Gemm', 'ArgMax', 'ScatterElements', 'Reshape', 'Shape', 'Flatten', 'Concat', 'Gather', 'DepthToSpace', 'If'];
const REQUIRED = [...BOTH.flatMap((op) => [`${op} up`, `${op} down`]), 'Upsample up', 'Scan up', 'Scan down', 'Loop up'];

interface Case {
  name: string;
  model: ModelProto;
  reference: ReferenceCase;
}

function cases(): Case[] {
  const root = path.join(CONFORMANCE_ROOT, 'node');
  if (!existsSync(root)) throw new Error(`${root} is missing: install Debian's libonnx-testdata (npm test does this as root)`);
  return readdirSync(root)
    .filter((d) => CHANGED.test(d) && !d.endsWith('_expanded') && !d.includes('training'))
    .sort()
    .flatMap((name) => {
      const reference = referenceCase(path.join(root, name));
      if (!reference) return [];
      return [{ name, model: decodeModel(readFileSync(path.join(root, name, 'model.onnx'))), reference }];
    });
}

/** The model with every input after the first baked in as a constant (older opsets take those as attributes). */
function freezeParameters(model: ModelProto, reference: ReferenceCase): ModelProto {
  const inputs = model.graph!.input ?? [];
  const frozen = inputs.slice(1).map((v, k) => ({ ...reference.inputs[k + 1]!, name: v.name }));
  return { ...model, irVersion: Math.max(4, Number(model.irVersion ?? 4)), graph: { ...model.graph, input: inputs.slice(0, 1), initializer: [...(model.graph!.initializer ?? []), ...frozen] } };
}

type RunResult = { outputs: ort.Tensor[] } | { loadError: string };

async function run(model: ModelProto, feeds: Record<string, ort.Tensor>): Promise<RunResult> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(model), QUIET);
  } catch (e) {
    return { loadError: (e as Error).message.split('\n')[0]! };
  }
  try {
    const result = await session.run(feeds);
    return { outputs: session.outputNames.map((n) => result[n] as ort.Tensor) };
  } catch (e) {
    // onnxruntime-node returns no sequences or optionals: those models cannot be compared here.
    return { loadError: (e as Error).message.split('\n')[0]! };
  } finally {
    await session.release();
  }
}

function mismatch(outputs: ort.Tensor[], reference: ReferenceCase): string | undefined {
  for (const [k, expected] of reference.outputs.entries()) {
    const want = toOrtTensor(expected);
    const got = outputs[k];
    if (!want || !got) return `output ${k} missing`;
    if (want.dims.join('x') !== got.dims.join('x')) return `output ${k} has shape [${got.dims.join(',')}], expected [${want.dims.join(',')}]`;
    const worst = worstMismatch(floatValues(got), floatValues(want));
    if (worst > 0) return `output ${k} is off by ${worst}`;
  }
  return undefined;
}

const CHECK = `
import json, sys, onnx
bad = []
for f in json.load(sys.stdin):
    try:
        onnx.checker.check_model(onnx.load(f), full_check=True)
    except Exception as e:
        bad.append(f + ': ' + str(e).splitlines()[0])
print(json.dumps(bad))
`;

describe('opset conversion of the ONNX conformance models whose operators changed', () => {
  it('every conversion is refused naming a node, or computes the reference outputs in ONNX Runtime and passes the checker', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThan(150);
    const registry = opRegistry();
    const wrong: string[] = [];
    const badRefusals: string[] = [];
    let refused = 0;
    let models = 0;
    const verified = new Map<string, number>();
    const notLoadable: string[] = [];
    const dir = tempDir('onnx-studio-convert-');
    const written: string[] = [];
    for (const c of all) {
      const opset = defaultOpset(c.model)!;
      if (opset < 7) {
        expect(() => convertOpset(c.model, 13, { registry }), c.name).toThrow(/outside what the converter handles/);
        continue;
      }
      const feedsFor = (model: ModelProto) => {
        const names = (model.graph!.input ?? []).filter((v) => !(model.graph!.initializer ?? []).some((t) => t.name === v.name)).map((v) => v.name!);
        return Object.fromEntries(names.map((n) => [n, toOrtTensor(c.reference.inputs[(c.model.graph!.input ?? []).findIndex((v) => v.name === n)]!)!]));
      };
      const original = await run(c.model, feedsFor(c.model));
      // Conformance models ONNX Runtime itself cannot run at their own opset say nothing about the converter.
      if (!('outputs' in original) || mismatch(original.outputs, c.reference)) continue;
      models++;
      for (const target of TARGETS) {
        if (target === opset) continue;
        const source = target < opset && (c.model.graph!.input ?? []).length > 1 ? freezeParameters(c.model, c.reference) : c.model;
        let converted: ModelProto;
        try {
          converted = convertOpset(source, target, { registry }).model;
        } catch (e) {
          if (!(e instanceof ConvertError) || !/node /.test(e.message)) badRefusals.push(`${c.name} -> ${target}: ${(e as Error).message}`);
          refused++;
          continue;
        }
        const result = await run(converted, feedsFor(converted));
        if (!('outputs' in result)) {
          notLoadable.push(`${c.name} -> ${target}: ${result.loadError}`);
          continue;
        }
        const problem = mismatch(result.outputs, c.reference);
        if (problem) {
          wrong.push(`${c.name} ${opset} -> ${target}: ${problem}`);
          continue;
        }
        const key = `${c.model.graph!.node!.at(-1)!.opType} ${target > opset ? 'up' : 'down'}`;
        verified.set(key, (verified.get(key) ?? 0) + 1);
        if (target <= 17) {
          const file = path.join(dir, `${c.name}-${target}.onnx`);
          writeFileSync(file, encodeModel(converted));
          written.push(file);
        }
      }
    }
    console.log(`${models} models: verified ${[...verified.values()].reduce((a, b) => a + b, 0)} conversions, refused ${refused}; ${notLoadable.length} results ONNX Runtime would not load:\n${notLoadable.join('\n')}`);
    console.log([...verified].sort().map(([k, v]) => `${k}: ${v}`).join(', '));
    expect(wrong).toEqual([]);
    const missing = REQUIRED.filter((k) => !verified.has(k));
    expect(missing, 'families with no verified conversion').toEqual([]);
    // A valid model ONNX Runtime has no kernel for (Max-6 on doubles) is refused by the engine's check; an
    // invalid one would be a converter bug.
    expect(notLoadable.filter((m) => !/: Could not find an implementation for /.test(m))).toEqual([]);
    expect(badRefusals).toEqual([]);
    const rejected = JSON.parse(runPython(CHECK, [], JSON.stringify(written))) as string[];
    expect(rejected).toEqual([]);
  }, 600_000);
});
