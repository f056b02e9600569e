import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../../../shared/api/client.js';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { Engine } from '../../../electron/engine/engine.js';
import { inProcessTransport } from '../../../electron/engine/in-process-transport.js';
import { tempDir } from '../../helpers/paths.js';
import { torchPatternModel } from '../../helpers/torch-pattern-model.js';

describe('engine simplifyModel', () => {
  it('simplifies the open document in place as one undoable edit: undo brings the original back', async () => {
    const file = path.join(tempDir('simplify-engine-'), 'export.onnx');
    writeFileSync(file, encodeModel(torchPatternModel()));
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    const original = await engine.openModel({ source: { kind: 'path', path: file } });
    const { model, report } = await engine.simplifyModel({ docId: original.docId });
    expect(model.docId).toBe(original.docId);
    expect(model.summary.graph.nodeCount).toBe(6);
    expect(report.nodesAfter).toBe(6);
    expect(model.dirty).toBe(true);
    expect(model.undoLabel).toBe('Simplify');
    // The edited document runs like any edited one: profiling writes it out first.
    const job = await engine.waitForJob((await engine.startProfile({ docId: model.docId, runs: 2, warmup: 0 })).jobId);
    expect(job.status).toBe('succeeded');
    const undone = await engine.undoEdit({ docId: original.docId });
    expect(undone.summary.graph.nodeCount).toBe(24);
    expect(undone.redoLabel).toBe('Simplify');
  });

  it('validates its arguments before the engine sees them', async () => {
    const engine = createEngineClient(inProcessTransport(new Engine({ mode: 'cli' })));
    await expect(engine.simplifyModel({ docId: 'nope', inputShapes: { x: [0, 3] } })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(engine.simplifyModel({ docId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
