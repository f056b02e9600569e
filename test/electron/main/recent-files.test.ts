import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecentFiles } from '../../../electron/main/recent-files.js';
import { tempDir } from '../../helpers/paths.js';

describe('recent files', () => {
  it('keeps the ten newest absolute paths, newest first, without duplicates, across restarts', async () => {
    const file = path.join(tempDir(), 'nested', 'recent.json');
    const recent = new RecentFiles(file);
    expect(await recent.load()).toEqual([]);
    for (let i = 0; i < 12; i++) await recent.add(`/models/m${i}.onnx`);
    await recent.add('/models/m5.onnx');
    const again = await new RecentFiles(file).load();
    expect(again[0]).toBe('/models/m5.onnx');
    expect(again).toHaveLength(10);
    expect(new Set(again).size).toBe(10);
  });

  it('ignores a corrupt or hostile file', async () => {
    const file = path.join(tempDir(), 'recent.json');
    writeFileSync(file, JSON.stringify(['relative/x.onnx', 42, '/ok.onnx']));
    expect(await new RecentFiles(file).load()).toEqual(['/ok.onnx']);
    writeFileSync(file, '{not json');
    expect(await new RecentFiles(file).load()).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('{not json');
  });
});
