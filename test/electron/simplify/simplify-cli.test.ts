import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../../shared/onnx/decode.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { tempDir } from '../../helpers/paths.js';
import { onnxCheck, opTypes, randomFeeds, relativeDifference, runOrt } from '../../helpers/onnx-oracles.js';
import { torchPatternModel } from '../../helpers/torch-pattern-model.js';
import { cli } from '../../helpers/cli.js';


describe('onnx-studio simplify', () => {
  const dir = tempDir('simplify-cli-');
  const input = path.join(dir, 'export.onnx');
  writeFileSync(input, encodeModel(torchPatternModel()));

  it('writes the simplified model and prints the JSON contract', async () => {
    const out = path.join(dir, 'simplified.onnx');
    const r = cli(['simplify', input, '-o', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['nodesBefore', 'nodesAfter', 'initializersBefore', 'initializersAfter', 'bytesBefore', 'bytesAfter', 'maxAbsDiff', 'passes']));
    expect(report.nodesBefore).toBe(24);
    expect(report.nodesAfter).toBe(6);
    expect(report.bytesBefore).toBe(readFileSync(input).byteLength);
    expect(report.bytesAfter).toBe(readFileSync(out).byteLength);
    expect(report.passes.map((p: { name: string }) => p.name)).toContain('constant-folding');
    const written = decodeModel(readFileSync(out));
    expect(opTypes(written)).toHaveLength(6);
    onnxCheck(written);
    const feeds = randomFeeds(written);
    expect(relativeDifference(await runOrt(torchPatternModel(), feeds), await runOrt(written, feeds))).toBeLessThan(1e-5);
  });

  it('prints a summary, refuses to overwrite without --force, and explains usage mistakes in one line', () => {
    const out = path.join(dir, 'text.onnx');
    const r = cli(['simplify', input, '-o', out, '--skip', 'batch-norm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote .*text\.onnx\n {2}nodes 24 -> 7, /);
    expect(cli(['simplify', input, '-o', out]).code).toBe(1);
    expect(cli(['simplify', input, '-o', out, '--force']).code).toBe(0);
    const helpText = cli(['simplify', '--help']);
    expect(helpText.code).toBe(0);
    expect(helpText.stdout).toMatch(/^Usage: onnx-studio simplify MODEL -o OUT/);
    expect(helpText.stdout).toContain('constant-folding');
    const noOut = cli(['simplify', input]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr.trim()).toBe("onnx-studio: simplify needs -o OUT, the file to write. Run 'onnx-studio simplify --help' for usage.");
    expect(cli(['simplify', input, '-o', out, '--shape', 'x=1xbatch']).code).toBe(2);
    const badPass = cli(['simplify', input, '-o', path.join(dir, 'never.onnx'), '--skip', 'magic']);
    // The pass names are checked where they enter (the engine checks them again for other callers).
    expect(badPass.code).toBe(2);
    expect(badPass.stderr.trim().split('\n')).toHaveLength(1);
    expect(badPass.stderr).toMatch(/--skip must be one of .*constant-folding, not 'magic'/);
    expect(existsSync(path.join(dir, 'never.onnx'))).toBe(false);
  });
});
