import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../shared/analysis/shape-inference.js';
import type { Dim } from '../../../shared/analysis/dims.js';
import { shapeOf } from '../../../shared/model/tensor-info.js';
import { decodeMessage, decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import type { ModelProto, TensorProto, ValueInfoProto } from '../../../shared/onnx/types.js';
import { CONFORMANCE_ROOT, repoRoot, tempDir } from '../../helpers/paths.js';
import { PYTHON } from '../../helpers/python.js';

interface Reference {
  elemType: number;
  shape: number[];
  /** Where the expected shape comes from, strongest first. */
  source: 'runtime output' | 'declared' | 'python data_prop';
}

function modelDirs(): string[] {
  const dirs: string[] = [];
  for (const suite of ['node', 'pytorch-converted', 'pytorch-operator', 'simple']) {
    for (const dir of readdirSync(path.join(CONFORMANCE_ROOT, suite)).sort()) {
      if (existsSync(path.join(CONFORMANCE_ROOT, suite, dir, 'model.onnx'))) dirs.push(path.join(CONFORMANCE_ROOT, suite, dir));
    }
  }
  return dirs;
}

const numericShape = (shape: Dim[] | null): number[] | undefined => (shape && shape.every((d): d is number => typeof d === 'number') ? shape : undefined);

/** The tensors of the first reference data set (input_K.pb / output_K.pb), or [] when it has none readable as tensors. */
function dataSet(dir: string, kind: 'input' | 'output'): (TensorProto | undefined)[] {
  const data = path.join(dir, 'test_data_set_0');
  if (!existsSync(data)) return [];
  const out: (TensorProto | undefined)[] = [];
  for (let k = 0; existsSync(path.join(data, `${kind}_${k}.pb`)); k++) {
    try {
      out.push(decodeMessage<TensorProto>(readFileSync(path.join(data, `${kind}_${k}.pb`)), 'TensorProto'));
    } catch {
      out.push(undefined); // a sequence or optional, not a tensor
    }
  }
  return out;
}

/**
 * The model as inference must see it: no value_info and no output shapes (element types stay), so
 * every shape has to come from a rule. Inputs take the reference data's dims, so the outputs can be
 * compared with what the reference run produced.
 */
function stripped(m: ModelProto, inputs: (TensorProto | undefined)[]): ModelProto {
  const g = m.graph!;
  const initializers = new Set((g.initializer ?? []).map((t) => t.name));
  const fed = (g.input ?? []).filter((v) => !initializers.has(v.name));
  const withDims = (v: ValueInfoProto): ValueInfoProto => {
    const k = fed.indexOf(v);
    const t = inputs.find((x) => x?.name && x.name === v.name) ?? (inputs.every((x) => !x?.name) ? inputs[k] : undefined);
    if (k < 0 || !t || !v.type?.tensorType) return v;
    return { ...v, type: { ...v.type, tensorType: { ...v.type.tensorType, shape: { dim: (t.dims ?? []).map((d) => ({ dimValue: Number(d) })) } } } };
  };
  const bare = (v: ValueInfoProto): ValueInfoProto => (v.type?.tensorType ? { ...v, type: { ...v.type, tensorType: { elemType: v.type.tensorType.elemType } } } : v);
  return { ...m, graph: { ...g, input: (g.input ?? []).map(withDims), valueInfo: [], output: (g.output ?? []).map(bare) } };
}

/** Expected shapes of one model: the reference run's outputs, then the shapes the file declared (same input dims only). */
function fileReferences(m: ModelProto, outputs: (TensorProto | undefined)[], inputsMatchDeclared: boolean): Map<string, Reference> {
  const refs = new Map<string, Reference>();
  const g = m.graph!;
  if (inputsMatchDeclared) {
    for (const v of [...(g.valueInfo ?? []), ...(g.output ?? [])]) {
      const shape = numericShape(shapeOf(v.type));
      const elemType = v.type?.tensorType?.elemType;
      if (v.name && shape && elemType !== undefined) refs.set(v.name, { elemType, shape, source: 'declared' });
    }
  }
  (g.output ?? []).forEach((v, k) => {
    const t = outputs[k];
    const elemType = v.type?.tensorType?.elemType;
    if (v.name && t && elemType !== undefined && (!t.name || t.name === v.name)) refs.set(v.name, { elemType, shape: (t.dims ?? []).map(Number), source: 'runtime output' });
  });
  return refs;
}

/** Ops whose output size depends on the data itself: how many elements pass a test. */
const DATA_SIZED = new Set(['NonZero', 'Unique', 'Compress', 'NonMaxSuppression', 'StringNormalizer']);
/** Ops that read floating-point values as sizes or bounds (scales, range limits, a trip count computed from floats). */
const FLOAT_SIZED = new Set(['Resize', 'Upsample', 'Range', 'OneHot', 'Loop']);

/**
 * Values whose shape the model's input *values* decide, which no static inference can know: the
 * conformance models often take a Reshape target, Slice bounds, axes, k or scales as graph inputs.
 * Decided are the outputs of a node that reads a 0-D or 1-D integer graph input, of one of FLOAT_SIZED
 * that reads a value computed from a 0-D or 1-D float graph input, of a data-sized op, and of every
 * node that reads a decided value.
 */
function runtimeDecided(m: ModelProto): Set<string> {
  const g = m.graph!;
  const initializers = new Set((g.initializer ?? []).map((t) => t.name));
  const integerParameters = new Set<string>();
  const floatDerived = new Set<string>();
  for (const v of g.input ?? []) {
    const shape = shapeOf(v.type);
    const elemType = v.type?.tensorType?.elemType ?? 0;
    if (!v.name || initializers.has(v.name) || !shape || shape.length > 1) continue;
    if (elemType === 1 || elemType === 10 || elemType === 11) floatDerived.add(v.name);
    else integerParameters.add(v.name);
  }
  const decided = new Set<string>();
  for (const n of g.node ?? []) {
    const inputs = n.input ?? [];
    const readsFloat = inputs.some((i) => floatDerived.has(i));
    if (readsFloat) for (const o of n.output ?? []) floatDerived.add(o);
    const isDecided = inputs.some((i) => decided.has(i) || integerParameters.has(i)) || DATA_SIZED.has(n.opType ?? '') || (readsFloat && FLOAT_SIZED.has(n.opType ?? ''));
    if (isDecided) for (const o of n.output ?? []) decided.add(o);
  }
  return decided;
}

/** Ops inference does not model, and why: values they produce may stay unknown, and no other op's may. */
const NOT_MODELED: Record<string, string> = {
  SequenceAt: 'values of sequence type are not modeled',
  ConcatFromSequence: 'values of sequence type are not modeled',
  OptionalGetElement: 'values of optional type are not modeled',
  Gradient: 'its outputs need the differentiated graph',
};

function pythonShapes(files: string[]): Record<string, Record<string, { elemType: number; shape: number[] }> | null> {
  const r = spawnSync(PYTHON, [path.join(repoRoot, 'test', 'helpers', 'python-shapes.py')], { input: files.join('\n'), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python shape inference failed: ${r.stderr.slice(-500)}`);
  return JSON.parse(r.stdout) as ReturnType<typeof pythonShapes>;
}

describe('shape inference on the conformance models, with every declared shape removed first', () => {
  it('infers the shapes of the reference outputs, the declared value_info and what python infers, and disagrees with none', () => {
    const work = tempDir();
    const cases = modelDirs().map((dir, i) => {
      const original = decodeModel(readFileSync(path.join(dir, 'model.onnx')));
      const inputs = dataSet(dir, 'input');
      const model = stripped(original, inputs);
      const declaredInputs = JSON.stringify((original.graph!.input ?? []).map((v) => shapeOf(v.type)));
      const file = path.join(work, `${i}.onnx`);
      writeFileSync(file, encodeModel(model));
      return { dir, model, file, refs: fileReferences(original, dataSet(dir, 'output'), declaredInputs === JSON.stringify((model.graph!.input ?? []).map((v) => shapeOf(v.type)))) };
    });
    const python = pythonShapes(cases.map((c) => c.file));
    const disagreements: string[] = [];
    const missing: Record<string, string[]> = {};
    let decidedAtRunTime = 0;
    const bySource: Record<string, { compared: number; agreed: number }> = {};
    for (const c of cases) {
      for (const [name, want] of Object.entries(python[c.file] ?? {})) if (!c.refs.has(name)) c.refs.set(name, { ...want, source: 'python data_prop' });
      const { facts } = inferShapes(c.model);
      const decided = runtimeDecided(c.model);
      const producers = new Map((c.model.graph!.node ?? []).flatMap((n) => (n.output ?? []).map((o) => [o, n.opType ?? '?'] as const)));
      for (const [name, want] of c.refs) {
        if (!producers.has(name)) continue; // graph inputs and initializers pass through
        const tally = (bySource[want.source] ??= { compared: 0, agreed: 0 });
        tally.compared++;
        const got = facts.get(name);
        const where = `${path.basename(c.dir)}:${name}`;
        if (!got || !numericShape(got.shape)) {
          if (decided.has(name)) decidedAtRunTime++;
          else (missing[producers.get(name)!] ??= []).push(where);
        }
        else if (JSON.stringify(got.shape) !== JSON.stringify(want.shape) || got.elemType !== want.elemType) {
          disagreements.push(`${where} (${want.source}) ours ${JSON.stringify(got.shape)} type ${got.elemType}, expected ${JSON.stringify(want.shape)} type ${want.elemType}`);
        } else tally.agreed++;
      }
    }
    const compared = Object.values(bySource).reduce((a, s) => a + s.compared, 0);
    const agreed = Object.values(bySource).reduce((a, s) => a + s.agreed, 0);
    const inferable = compared - decidedAtRunTime;
    console.log(`shape agreement: ${agreed}/${compared} values (${((100 * agreed) / compared).toFixed(1)}%); ${decidedAtRunTime} depend on input values; ${agreed}/${inferable} of the rest (${((100 * agreed) / inferable).toFixed(1)}%) ${JSON.stringify(bySource)}`);
    console.log(`missing by op: ${JSON.stringify(Object.fromEntries(Object.entries(missing).map(([op, v]) => [op, v.length])))}`);
    expect(compared).toBeGreaterThan(2000);
    expect(disagreements).toEqual([]);
    expect(Object.fromEntries(Object.entries(missing).filter(([op]) => !(op in NOT_MODELED)))).toEqual({});
  });
});
