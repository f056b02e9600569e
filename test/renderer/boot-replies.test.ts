import { describe, expect, it } from 'vitest';
import { BootReplies } from '../../renderer/src/api/boot-replies.js';

describe('boot replies embedded in the page', () => {
  it('hands each reply out once, to the call with its method and arguments (in any key order)', () => {
    const view = { ok: true as const, value: { nodes: [] } };
    const boot = new BootReplies([
      { method: 'listModels', args: {}, reply: { ok: true, value: [] } },
      { method: 'getGraphView', args: { docId: 'd1', graphPath: 'main' }, reply: view },
    ]);
    expect(boot.take('getGraphView', { docId: 'd2', graphPath: 'main' })).toBeUndefined();
    expect(boot.take('getGraphView', { graphPath: 'main', docId: 'd1' })).toBe(view);
    expect(boot.take('getGraphView', { docId: 'd1', graphPath: 'main' })).toBeUndefined();
    expect(boot.take('listModels', undefined)).toEqual({ ok: true, value: [] });
    expect(boot.take('listModels', {})).toBeUndefined();
  });
});
