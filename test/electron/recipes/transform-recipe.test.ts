import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { ConvertOpsetResult } from '../../../shared/api/dto.js';
import type { MethodResults } from '../../../shared/api/methods.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { parseRecipe } from '../../../shared/recipe/recipe.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { cli } from '../../helpers/cli.js';
import { DIGITS, fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { torchPatternModel } from '../../helpers/torch-pattern-model.js';

/** A torch-style export (Identity weights, BatchNormalization, shape arithmetic) at opset 14, on disk. */
function exportFile(): string {
  const file = path.join(tempDir('transform-recipe-'), 'export.onnx');
  writeFileSync(file, encodeModel(torchPatternModel()));
  return file;
}

/** Saves the document as the app would and replays its recipe with the CLI: both files must be byte-identical. */
async function expectReplayMatches(engine: ReturnType<typeof createEngineClient>, docId: string, recipe: unknown, file: string, dir: string): Promise<void> {
  const appOut = path.join(dir, 'app.onnx');
  await engine.waitForJob((await engine.startSaveModel({ docId, target: { kind: 'path', path: appOut } })).jobId);
  writeFileSync(path.join(dir, 'recipe.json'), JSON.stringify(recipe));
  const out = path.join(dir, 'replayed.onnx');
  const r = cli(['run', path.join(dir, 'recipe.json'), '--model', file, '-o', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(readFileSync(out).equals(readFileSync(appOut))).toBe(true);
}

async function session(file: string) {
  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const input = await engine.openModel({ source: { kind: 'path', path: file } });
  return { engine, input };
}

describe('simplify and convert in the recipe', () => {
  it('records Simplify then Convert (run as jobs, as the app does) as steps that the CLI replays into the same bytes', async () => {
    const file = exportFile();
    const { engine, input } = await session(file);
    const s = await engine.waitForJob((await engine.startSimplify({ docId: input.docId })).jobId);
    expect(s.status, s.error?.message).toBe('succeeded');
    const simplified = s.result as MethodResults['simplifyModel'];
    // In place: the same document, one edit further, with undo.
    expect(simplified.model.docId).toBe(input.docId);
    expect(simplified.model.undoLabel).toBe('Simplify');
    const c = await engine.waitForJob((await engine.startConvertOpset({ docId: input.docId, opset: 17 })).jobId);
    expect(c.status, c.error?.message).toBe('succeeded');
    const converted = c.result as ConvertOpsetResult;
    expect([converted.opsetBefore, converted.opsetAfter]).toEqual([14, 17]);

    const { recipe, results } = await engine.getRecipe({ docId: input.docId });
    expect(parseRecipe(recipe)).toEqual(recipe);
    expect(recipe.steps).toEqual([
      { id: 'simplify-1', kind: 'simplify', model: 'input' },
      { id: 'convert-2', kind: 'convert', model: 'simplify-1', opset: 17 },
    ]);
    expect(results['simplify-1']).toMatchObject({ status: 'done', summary: `${simplified.report.nodesBefore} → ${simplified.report.nodesAfter} nodes, largest difference ${simplified.report.maxAbsDiff.toExponential(2)}` });
    expect(results['convert-2']!.summary).toMatch(/^opset 14 → 17, \d+ nodes rewritten$/);

    const dir = tempDir();
    const appOut = path.join(dir, 'app.onnx');
    const saved = await engine.waitForJob((await engine.startSaveModel({ docId: input.docId, target: { kind: 'path', path: appOut } })).jobId);
    expect(saved.status, saved.error?.message).toBe('succeeded');
    const recipeFile = path.join(dir, 'recipe.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const out = path.join(dir, 'replayed.onnx');
    const r = cli(['run', recipeFile, '--model', file, '-o', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).steps.map((x: { id: string; status: string }) => `${x.id} ${x.status}`)).toEqual(['simplify-1 done', 'convert-2 done']);
    expect(readFileSync(out).equals(readFileSync(appOut))).toBe(true);
    // And what was written is the simplified model at opset 17, by an independent reader.
    const facts = JSON.parse(runPython('import sys, json, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(json.dumps({"opset": [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0], "nodes": len(m.graph.node)}))', [out]));
    expect(facts).toEqual({ opset: 17, nodes: simplified.report.nodesAfter });
  });

  it('records the dims and skipped passes of a Simplify, and the CLI replays them into the same bytes', async () => {
    const file = fixture('transformer-encoder.onnx');
    const { engine, input } = await session(file);
    const args = { inputShapes: { src: [2, 5, 16], mask: [2, 5] }, skip: ['value-info'] };
    const { report } = await engine.simplifyModel({ docId: input.docId, ...args });
    expect(report.inputDims).toEqual(args.inputShapes);
    const { recipe } = await engine.getRecipe({ docId: input.docId });
    expect(recipe.steps).toEqual([{ id: 'simplify-1', kind: 'simplify', model: 'input', ...args }]);
    const dir = tempDir();
    await expectReplayMatches(engine, input.docId, recipe, file, dir);
    // The CLI's own simplify with the same options writes the same model.
    const direct = path.join(dir, 'direct.onnx');
    expect(cli(['simplify', file, '-o', direct, '--shape', 'src=2x5x16', '--shape', 'mask=2x5', '--skip', 'value-info']).code).toBe(0);
    expect(readFileSync(direct).equals(readFileSync(path.join(dir, 'app.onnx')))).toBe(true);
  });

  it('undo takes a recorded simplify or conversion back out of the recipe, even after the recipe was read', async () => {
    const { engine, input } = await session(exportFile());
    const before = input.summary.graph.nodeCount;
    const { report } = await engine.simplifyModel({ docId: input.docId });
    expect(report.nodesAfter).toBeLessThan(before);
    await engine.convertOpset({ docId: input.docId, opset: 17 });
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps.map((s) => s.kind)).toEqual(['simplify', 'convert']);

    await engine.undoEdit({ docId: input.docId });
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps.map((s) => s.kind)).toEqual(['simplify']);
    const undone = await engine.undoEdit({ docId: input.docId });
    expect(undone.summary.graph.nodeCount).toBe(before);
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps).toEqual([]);

    // Redo records it again; an edit after an undo replaces the step it took the place of.
    await engine.redoEdit({ docId: input.docId });
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps.map((s) => s.kind)).toEqual(['simplify']);
    await engine.undoEdit({ docId: input.docId });
    await engine.applyEdit({ docId: input.docId, command: 'setMetadata', params: { key: 'docString', value: 'x' } });
    const steps = (await engine.getRecipe({ docId: input.docId })).recipe.steps;
    expect(steps.map((s) => s.kind)).toEqual(['edit']);
    expect(steps[0]).toMatchObject({ model: 'input', commands: [{ command: 'setMetadata' }] });
  });

  it('the opset edit of the Properties panel (setOpset) is a conversion and recorded as a convert step', async () => {
    const { engine, input } = await session(exportFile());
    const edited = await engine.applyEdit({ docId: input.docId, command: 'setOpset', params: { domain: '', version: 17 } });
    expect(edited.summary.opsets['ai.onnx']).toBe(17);
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps).toEqual([{ id: 'convert-1', kind: 'convert', model: 'input', opset: 17 }]);
  });

  it('a conversion kept on request ("Keep anyway") is recorded with force, and the CLI replays it into the same bytes', async () => {
    // A node of a domain ONNX Runtime does not know: the check cannot run, so only a forced conversion applies.
    const digits = decodeModel(readFileSync(DIGITS));
    const extra = { name: 'mystery', opType: 'Frobnicate', domain: 'com.example', input: ['logits'], output: ['frobbed'] };
    const dir = tempDir();
    const file = path.join(dir, 'custom-op.onnx');
    writeFileSync(file, encodeModel({ ...digits, opsetImport: [...digits.opsetImport!, { domain: 'com.example', version: 1 }], graph: { ...digits.graph!, node: [...digits.graph!.node!, extra] } }));
    const { engine, input } = await session(file);
    const refused = await engine.waitForJob((await engine.startConvertOpset({ docId: input.docId, opset: 12 })).jobId);
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatchObject({ code: 'RUNTIME_ERROR', message: expect.stringMatching(/^The conversion to opset 12 was refused because ONNX Runtime cannot load the original model/) });
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps).toEqual([]);
    const kept = await engine.waitForJob((await engine.startConvertOpset({ docId: input.docId, opset: 12, force: true })).jobId);
    expect(kept.status, kept.error?.message).toBe('succeeded');
    const { recipe } = await engine.getRecipe({ docId: input.docId });
    expect(recipe.steps).toEqual([{ id: 'convert-1', kind: 'convert', model: 'input', opset: 12, force: true }]);
    await expectReplayMatches(engine, input.docId, recipe, file, dir);
  });

  it('a cancelled Simplify job leaves the document as it was and records nothing', async () => {
    const { engine, input } = await session(exportFile());
    const { jobId } = await engine.startSimplify({ docId: input.docId });
    await engine.cancelJob({ jobId });
    const job = await engine.waitForJob(jobId);
    expect(job.status).toBe('cancelled');
    const model = await engine.getModel({ docId: input.docId });
    expect(model.version).toBe(input.version);
    expect(model.summary.graph.nodeCount).toBe(input.summary.graph.nodeCount);
    expect(model.undoLabel).toBeUndefined();
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps).toEqual([]);
  });

  it('reports the nodes it changed, added and removed, matching the models before and after', async () => {
    const file = exportFile();
    const { engine, input } = await session(file);
    const { changes } = await engine.simplifyModel({ docId: input.docId });
    const dir = tempDir();
    const out = path.join(dir, 'simplified.onnx');
    await engine.waitForJob((await engine.startSaveModel({ docId: input.docId, target: { kind: 'path', path: out } })).jobId);
    const beforeNames = new Set(decodeModel(readFileSync(file)).graph!.node!.map((n) => n.name));
    const afterNames = decodeModel(readFileSync(out)).graph!.node!.map((n) => n.name!);
    expect(changes.removed.sort()).toEqual([...beforeNames].filter((n) => !afterNames.includes(n!)).sort());
    expect(changes.added.sort()).toEqual(afterNames.filter((n) => !beforeNames.has(n)).sort());
    // Folding BatchNormalization rewrites the Conv's weights: the Conv is marked as changed.
    const conv = decodeModel(readFileSync(out)).graph!.node!.find((n) => n.opType === 'Conv')!;
    expect([...changes.changed, ...changes.added]).toContain(conv.name);
  });
});
