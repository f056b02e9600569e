import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import { parseRecipe, type Recipe } from '../../../shared/recipe/recipe.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { builtCli, DIGITS, fixture, tempDir } from '../../helpers/paths.js';

const cli = (args: string[]) => spawnSync(process.execPath, [builtCli(), ...args], { encoding: 'utf8', timeout: 300_000 });

async function recordSession() {
  const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
  const input = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
  await engine.applyEdit({ docId: input.docId, command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' } });
  const calib = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'calib') } });
  const q = await engine.waitForJob((await engine.startQuantize({ docId: input.docId, mode: 'int8-static', datasetId: calib.datasetId })).jobId);
  const int8 = q.result as QuantizeResult;
  const evalSet = await engine.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'eval') } });
  const c = await engine.waitForJob((await engine.startCompare({ referenceDocId: input.docId, variantDocIds: [int8.docId], datasetId: evalSet.datasetId, latencyRuns: 2 })).jobId);
  expect(c.status, c.error?.message).toBe('succeeded');
  const view = await engine.getRecipe({ docId: input.docId });
  return { engine, input, int8, view };
}

describe('recipes', () => {
  it('records edits, quantization and comparison as steps that reference each other', async () => {
    const { view, int8 } = await recordSession();
    const r = view.recipe;
    expect(parseRecipe(r)).toEqual(r);
    expect(r.steps.map((s) => s.kind)).toEqual(['edit', 'quantize', 'compare']);
    expect(r.steps[0]).toMatchObject({ id: 'edit-1', model: 'input', commands: [{ command: 'setDim', params: { tensor: 'image', axis: 0, value: 'batch' } }] });
    expect(r.steps[1]).toMatchObject({ kind: 'quantize', model: 'edit-1', mode: 'int8-static', backend: 'ort-cpu', data: 'calib' });
    expect(r.steps[2]).toMatchObject({ kind: 'compare', reference: 'edit-1', variants: [r.steps[1]!.id], data: 'eval' });
    expect(r.data.calib).toEqual({ path: path.join(fixture('digits'), 'calib'), files: 100 });
    expect(r.output).toBe(r.steps[1]!.id);
    expect(view.results[r.steps[1]!.id]).toMatchObject({ status: 'done', docId: int8.docId });
  });

  it('replays from the CLI into the same bytes, and a compare threshold gates the exit code', async () => {
    const { engine, view, int8 } = await recordSession();
    const dir = tempDir();
    // What the app would save for its INT8 model.
    const appOut = path.join(dir, 'app.onnx');
    await engine.waitForJob((await engine.startSaveModel({ docId: int8.docId, target: { kind: 'path', path: appOut } })).jobId);
    const recipeFile = path.join(dir, 'recipe.json');
    const withThreshold = (t: object): Recipe => ({ ...view.recipe, steps: view.recipe.steps.map((s) => (s.kind === 'compare' ? { ...s, thresholds: t } : s)) });
    writeFileSync(recipeFile, JSON.stringify(withThreshold({ maxTop1DropPoints: 1 })));
    const out = path.join(dir, 'replayed.onnx');
    const ok = cli(['run', recipeFile, '-o', out, '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    const summary = JSON.parse(ok.stdout);
    expect(summary.passed).toBe(true);
    expect(summary.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done']);
    // The replay makes the same model, byte for byte, as the session did.
    expect(readFileSync(out).equals(readFileSync(appOut))).toBe(true);
    expect(readFileSync(summary.report.replace(/\.html$/, '.json'), 'utf8')).toContain('"passed": true');

    writeFileSync(recipeFile, JSON.stringify(withThreshold({ minCosine: 0.99999 })));
    const failed = cli(['run', recipeFile, '-o', path.join(dir, 'again.onnx')]);
    expect(failed.status).toBe(3);
    expect(failed.stderr).toMatch(/1 compare threshold failed: .*cosine/);
    expect(readFileSync(path.join(dir, 'again.report.html'), 'utf8')).toContain('FAILED');
  });

  it('refuses a recipe that does not hold together, or a changed model, in one sentence', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ format: 'onnx-studio.recipe', version: 1, input: { name: 'm.onnx', path: DIGITS, sha256: '0'.repeat(64) }, data: {}, steps: [{ id: 'q', kind: 'quantize', model: 'nowhere', mode: 'fp16' }] }));
    const r = cli(['run', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/step 'q' reads model 'nowhere', which no earlier step makes/);
    writeFileSync(file, JSON.stringify({ format: 'onnx-studio.recipe', version: 1, input: { name: 'm.onnx', path: DIGITS, sha256: '0'.repeat(64) }, data: {}, steps: [] }));
    const changed = cli(['run', file]);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/is not the one the recipe was recorded on/);
  });
});


describe('editing and re-running a recorded recipe in the engine', () => {
  it('re-runs from a step with the session models, and refuses steps that no longer fit together', async () => {
    const { engine, input, view } = await recordSession();
    const [edit, quantize, compare] = view.recipe.steps;
    const job = await engine.waitForJob((await engine.startRunRecipe({ docId: input.docId, fromStep: quantize!.id })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const report = job.result as { steps: { id: string; status: string }[]; failures: string[] };
    expect(report.steps.map((s) => s.status)).toEqual(['skipped', 'done', 'done']);
    // The re-run did not record itself again.
    expect((await engine.getRecipe({ docId: input.docId })).recipe.steps).toHaveLength(3);

    await expect(engine.updateRecipeSteps({ docId: input.docId, steps: [quantize, edit, compare] })).rejects.toThrow(/reads model 'edit-1', which no earlier step makes/);
    const trimmed = await engine.updateRecipeSteps({ docId: input.docId, steps: [edit, quantize] });
    expect(trimmed.recipe.steps.map((s) => s.kind)).toEqual(['edit', 'quantize']);
    await expect(engine.updateRecipeSteps({ docId: input.docId, steps: [{ id: 'x', kind: 'teleport' }] })).rejects.toThrow(/Step 1 is not valid/);
  });
});

describe('export steps in recipes', () => {
  it('records an export with its settings and replays it from the CLI into the same bundle files', async () => {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const input = await engine.openModel({ source: { kind: 'path', path: DIGITS } });
    const dir = tempDir();
    const spec = JSON.parse(readFileSync(fixture('digits/preprocess.json'), 'utf8'));
    const appBundle = path.join(dir, 'app-bundle');
    const job = await engine.waitForJob((await engine.startExport({ docId: input.docId, target: 'triton', bakePreprocess: spec, topK: 2, name: 'digits', destination: { kind: 'path', path: appBundle } })).jobId);
    expect(job.status, job.error?.message).toBe('succeeded');
    const { recipe } = await engine.getRecipe({ docId: input.docId });
    expect(recipe.steps).toEqual([{ id: 'export-1', kind: 'export', model: 'input', target: 'triton', bakePreprocess: spec, topK: 2, name: 'digits' }]);
    // The recipe names no folder: where the bundle goes is the replay's choice.
    expect(JSON.stringify(recipe.steps)).not.toContain(dir);
    const recipeFile = path.join(dir, 'recipe.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const r = cli(['run', recipeFile, '--model', DIGITS, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const replayed = path.join(dir, 'recipe.export-1');
    for (const file of ['README.md', 'digits/config.pbtxt', 'digits/1/model.onnx']) {
      expect(readFileSync(path.join(replayed, file)).equals(readFileSync(path.join(appBundle, file))), file).toBe(true);
    }
  });
});
