import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { SHAPES, tempDir } from '../../helpers/paths.js';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

function retainedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('memory stays bounded over a long session', () => {
  it('opening, editing and closing 150 uploaded models leaves neither memory nor files behind', async () => {
    const blobDir = tempDir();
    const engine = new Engine({ mode: 'browser', blobDir, downloadDir: tempDir() });
    const client = createEngineClient(inProcessTransport(engine, { remote: true }));
    const bytes = readFileSync(SHAPES);
    const session = async () => {
      // What the server's upload does: one folder per blob.
      const blobId = randomUUID();
      mkdirSync(path.join(blobDir, blobId));
      writeFileSync(path.join(blobDir, blobId, 'shapes.onnx'), bytes);
      const doc = await client.openModel({ source: { kind: 'blob', blobId } });
      const copy = await client.duplicateModel({ docId: doc.docId });
      await client.getGraphView({ docId: doc.docId, graphPath: 'main' });
      await client.applyEdit({ docId: doc.docId, command: 'setMetadata', params: { key: 'note', value: blobId } });
      await client.getRecipe({ docId: doc.docId });
      await client.closeModel({ docId: doc.docId });
      await client.closeModel({ docId: copy.docId });
    };
    for (let i = 0; i < 20; i++) await session();
    const baseline = retainedBytes();
    for (let i = 0; i < 150; i++) await session();
    const growth = retainedBytes() - baseline;
    // 150 leaked models would be 150 x 118 KB = 17 MB of bytes alone.
    expect(growth).toBeLessThan(4 * 1024 * 1024);
    expect(readdirSync(blobDir)).toEqual([]);
    expect(await client.listModels({})).toEqual([]);
  });
});
