import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, promises as fsp, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import { EngineError } from '../../../shared/api/errors.js';
import { seededRandom } from '../../../shared/model/seeded-random.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { readModelFile } from '../../../electron/engine/model-reader.js';
import { saveModel } from '../../../electron/engine/model-writer.js';
import { floatTensor, model } from '../../helpers/model-builder.js';
import { DIGITS, repoRoot, SHAPES, tempDir } from '../../helpers/paths.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const CHILD = path.join(repoRoot, 'test', 'electron', 'engine', 'children', 'save-until-killed.ts');

/**
 * Runs the real save in a child process and SIGKILLs it at its `killAt`-th progress report (0: as soon
 * as it has built the model, while it opens and starts writing). `racing`: the kill is sent just after
 * letting it go on, so it lands somewhere in the following write, sync or rename. Undefined: it finishes.
 */
function saveInChild(target: string, killAt?: number, racing = false): Promise<{ expected: string; reports: number; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, DIGITS], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    let expected = '';
    let reports = 0;
    let finished = false;
    const kill = () => {
      if (racing) child.stdin.write('go\n');
      child.kill('SIGKILL');
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('expect ')) {
        expected = line.slice(7);
        if (killAt === 0) kill();
      } else if (line.startsWith('progress ')) {
        if (++reports === killAt) kill();
        else child.stdin.write('go\n');
      } else if (line === 'saved') finished = true;
    });
    child.stdin.on('error', () => {}); // writing to a child just killed
    child.on('error', reject);
    child.on('exit', () => resolve({ expected, reports, finished }));
  });
}

/** A FileHandle whose writes fail the way a full disk fails them. */
async function fullDisk(file: string) {
  const handle = await fsp.open(file, 'w');
  const enospc = async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  };
  return Object.assign(handle, { write: enospc, writev: enospc });
}

describe('saving under faults', () => {
  it('a save killed with SIGKILL at any point leaves the original file intact and nothing partial under its name', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'model.onnx');
    copyFileSync(SHAPES, target);
    let before = sha(readFileSync(SHAPES));
    // Killed at each progress report in turn (on the spot, or racing the next write: seeded, so a failure
    // repeats), until the kill point lies past the last report and the save finishes.
    const random = seededRandom(18);
    let killAt = 0;
    for (; ; killAt++) {
      const racing = random() < 0.5;
      const run = await saveInChild(target, killAt, racing);
      const now = sha(readFileSync(target));
      if (run.finished) {
        expect(now).toBe(run.expected);
        break;
      }
      const where = `killed at report ${killAt}${racing ? ' (racing)' : ''}`;
      // A racing kill may land after the rename: then the file is the complete new model, never a mix.
      if (racing) expect([before, run.expected], where).toContain(now);
      else expect(now, where).toBe(before);
      before = now;
      // Only the temporary files of killed saves can be left, never under the target's name.
      for (const name of readdirSync(dir)) expect(name === 'model.onnx' || /^model\.onnx\.tmp-[0-9a-f]{12}$/.test(name), name).toBe(true);
    }
    // The writer reports after each 8 MB of the 24 MB and at the end: kills landed before, between and after the writes.
    expect(killAt).toBeGreaterThanOrEqual(4);
    // The save that finished also cleared what the killed ones left.
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });

  it('a full disk gets one sentence and leaves nothing behind', async () => {
    const dir = tempDir();
    const { model: digits } = await readModelFile(DIGITS);
    const target = path.join(dir, 'new.onnx');
    const failing = saveModel(digits, target, { overwrite: false, openForWriting: fullDisk });
    await expect(failing).rejects.toBeInstanceOf(EngineError);
    await expect(failing).rejects.toMatchObject({ code: 'IO_ERROR', message: `Cannot save '${target}': the disk is full; free some space and save again; nothing was written and the previous file is unchanged.` });
    expect(readdirSync(dir)).toEqual([]);
    // Over an existing file: it keeps its bytes.
    const existing = path.join(dir, 'existing.onnx');
    copyFileSync(SHAPES, existing);
    await expect(saveModel(digits, existing, { overwrite: true, openForWriting: fullDisk })).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(readdirSync(dir)).toEqual(['existing.onnx']);
    expect(sha(readFileSync(existing))).toBe(sha(readFileSync(SHAPES)));
    // External data goes through the same writer: a full disk there leaves neither the data file nor the model.
    const src = tempDir();
    writeFileSync(path.join(src, 'w.bin'), Buffer.from(new Float32Array([1, 2, 3, 4]).buffer));
    const external = model({ node: [], input: [], output: [], initializer: [{ ...floatTensor('w', [4], [0, 0, 0, 0]), rawData: undefined, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] }] });
    await expect(saveModel(external, path.join(dir, 'ext.onnx'), { overwrite: false, sourceDir: src, openForWriting: fullDisk })).rejects.toMatchObject({ code: 'IO_ERROR', message: /the disk is full/ });
    expect(readdirSync(dir)).toEqual(['existing.onnx']);
  });

  it('notices the opened file changed on disk before Save overwrites it, and saves over it only when confirmed', async () => {
    const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const dir = tempDir();
    const file = path.join(dir, 'digits.onnx');
    copyFileSync(DIGITS, file);
    const doc = await client.openModel({ source: { kind: 'path', path: file } });
    await client.applyEdit({ docId: doc.docId, command: 'setMetadata', params: { key: 'note', value: 'edited in the app' } });
    // Another program writes the file while it is open.
    const theirModel = (await readModelFile(DIGITS)).model;
    writeFileSync(file, encodeModel({ ...theirModel, docString: 'changed by another program' }));
    const changed = readFileSync(file);
    expect(changed.equals(readFileSync(DIGITS))).toBe(false);
    const save = () => client.startSaveModel({ docId: doc.docId, target: { kind: 'path', path: file, overwrite: true } });
    await expect(save()).rejects.toMatchObject({ code: 'CHANGED_ON_DISK', message: `'digits.onnx' was changed on disk by another program after it was opened; reopen it to see those changes, or confirm saving over them.` });
    expect(readFileSync(file).equals(changed)).toBe(true);
    // Same size, new time: still noticed.
    const t = new Date(Date.now() + 60_000);
    utimesSync(file, t, t);
    await expect(save()).rejects.toMatchObject({ code: 'CHANGED_ON_DISK' });
    // Confirmed: saved, and from then on the app's own save is the known state.
    const confirmed = await client.waitForJob((await client.startSaveModel({ docId: doc.docId, target: { kind: 'path', path: file, overwrite: true, overwriteChanged: true } })).jobId);
    expect(confirmed.status, confirmed.error?.message).toBe('succeeded');
    expect((await readModelFile(file)).model.metadataProps).toContainEqual({ key: 'note', value: 'edited in the app' });
    const again = await client.waitForJob((await save()).jobId);
    expect(again.status, again.error?.message).toBe('succeeded');
  });
});
