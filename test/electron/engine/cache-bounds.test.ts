import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import type { QuantizeResult } from '../../../shared/api/dto.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { LruMap } from '../../../electron/engine/lru-map.js';
import { DIGITS, fixture } from '../../helpers/paths.js';

describe('bounded caches', () => {
  it('LruMap keeps the most recently used entries up to its capacity', () => {
    const m = new LruMap<string, number>(3);
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) m.set(k, v);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('d', 4);
    expect([...m.keys()]).toEqual(['c', 'a', 'd']);
    m.set('c', 30); // writing refreshes too
    m.set('e', 5);
    expect([...m.entries()]).toEqual([['d', 4], ['c', 30], ['e', 5]]);
    expect(m.size).toBe(3);
    expect(() => new LruMap(0)).toThrow(RangeError);
  });

  it('keeps the 64 most recently used datasets open and says how to get an evicted one back', async () => {
    const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const folder = path.join(fixture('digits'), 'calib');
    const ids: string[] = [];
    for (let i = 0; i < 66; i++) ids.push((await client.openDataset({ source: { kind: 'path', path: folder } })).datasetId);
    const spec = { input: 'image', size: [28, 28] as [number, number], color: 'gray' as const, layout: 'NCHW' as const, scale: 1 / 255, mean: [0], std: [1] };
    await expect(client.previewPreprocess({ datasetId: ids[0]!, spec })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `There is no open dataset '${ids[0]}'; choose the folder again.` });
    expect((await client.previewPreprocess({ datasetId: ids[2]!, spec })).file).toMatch(/\.png$/);
  });

  it('the calibration cache reuses recent calibrations and forgets the least recently used', async () => {
    const client = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const doc = await client.openModel({ source: { kind: 'path', path: DIGITS } });
    const calib = await client.openDataset({ source: { kind: 'path', path: path.join(fixture('digits'), 'calib') } });
    // Each sample count is its own calibration (its own cache key).
    const quantize = async (limit: number, method: 'minmax' | 'percentile' = 'minmax') => {
      const job = await client.waitForJob((await client.startQuantize({ docId: doc.docId, mode: 'int8-static', datasetId: calib.datasetId, limit, method })).jobId);
      expect(job.status, job.error?.message).toBe('succeeded');
      const result = job.result as QuantizeResult;
      await client.closeModel({ docId: result.docId });
      return result.calibrationReused;
    };
    expect(await quantize(2)).toBe(false);
    expect(await quantize(2, 'percentile')).toBe(true);
    for (const limit of [3, 4, 5]) expect(await quantize(limit)).toBe(false);
    // Four calibrations are kept: 2 is still there, and using it makes it recent.
    expect(await quantize(2, 'percentile')).toBe(true);
    expect(await quantize(6)).toBe(false); // evicts 3, the least recently used
    expect(await quantize(2)).toBe(true);
    expect(await quantize(3)).toBe(false);
  });
});
