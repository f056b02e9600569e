import { describe, expect, it } from 'vitest';
import { createPathScrubber, findFilePath, MAX_ARGUMENT_DEPTH } from '../../../shared/api/remote-rule.js';

describe('the remote rule', () => {
  it('finds a file path wherever it is in the arguments', () => {
    expect(findFilePath({ source: { kind: 'path', path: '/m.onnx' } })).toEqual({ kind: 'file-path', where: 'source' });
    expect(findFilePath({ params: { file: { kind: 'path', path: 'x.npy' } } })).toEqual({ kind: 'file-path', where: 'params.file' });
    expect(findFilePath({ steps: [{ commands: [{ params: { inputFiles: { x: 'a.npy' } } }] }] })).toEqual({ kind: 'file-path', where: 'steps.0.commands.0.params.inputFiles' });
    expect(findFilePath({ output: { path: 'q.onnx' } })).toEqual({ kind: 'file-path', where: 'output' });
    expect(findFilePath({ a: [[{ sourceDir: 'C:\\models' }]] })).toEqual({ kind: 'file-path', where: 'a.0.0.sourceDir' });
    expect(findFilePath({ source: { kind: 'sample', name: 'digits' }, graphPath: 'main/3/body', name: '/encoder/layer_0/MatMul' })).toBeUndefined();
    expect(findFilePath('plain')).toBeUndefined();
  });

  it('lets through the label of a file inside an uploaded folder, unless it climbs out or is absolute', () => {
    const files = (p: string) => ({ source: { kind: 'blobs', name: 'calib', files: [{ blobId: 'b', path: p }] } });
    expect(findFilePath(files('cats/1.png'))).toBeUndefined();
    expect(findFilePath(files('../1.png'))).toEqual({ kind: 'file-path', where: 'source.files.0.path' });
    expect(findFilePath(files('/etc/passwd'))).toEqual({ kind: 'file-path', where: 'source.files.0.path' });
    expect(findFilePath(files('C:\\x.png'))).toEqual({ kind: 'file-path', where: 'source.files.0.path' });
    expect(findFilePath({ path: 'cats/1.png' })).toEqual({ kind: 'file-path', where: 'path' });
  });

  it('refuses what is nested deeper than any argument of the contract rather than searching it', () => {
    let deep: unknown = { kind: 'sample' };
    for (let i = 0; i < MAX_ARGUMENT_DEPTH + 2; i++) deep = [deep];
    expect(findFilePath({ x: deep })?.kind).toBe('too-deep');
    let ok: unknown = 1;
    for (let i = 0; i < MAX_ARGUMENT_DEPTH - 1; i++) ok = [ok];
    expect(findFilePath({ x: ok })).toBeUndefined();
  });

  it('scrubs replies: absolute paths go, mentions keep the file name, the rest is untouched', () => {
    const scrub = createPathScrubber(['/home/ann', '/tmp', '/srv/models/']);
    expect(
      scrub({
        docId: 'd',
        fileName: 'm.onnx',
        path: '/srv/models/m.onnx',
        view: { path: 'main/2/then_branch' },
        recipe: { input: { name: 'm.onnx', path: '/srv/models/m.onnx' }, data: { calib: { path: '/home/ann/calib', files: 3 } } },
        message: "Cannot save '/tmp/onnx-studio-x/out.onnx': the disk is full.",
        list: ['/home/ann/a b.png', '/tmpfoo/x', 'https://example.com/tmp/x', '/encoder/tmp/MatMul', 'at (/srv/models/sub/w.bin)'],
        image: 'data:image/png;base64,AAAA/tmp/BBBB',
        n: 3,
      }),
    ).toEqual({
      docId: 'd',
      fileName: 'm.onnx',
      view: { path: 'main/2/then_branch' },
      recipe: { input: { name: 'm.onnx' }, data: { calib: { files: 3 } } },
      message: "Cannot save 'out.onnx': the disk is full.",
      list: ['a b.png', '/tmpfoo/x', 'https://example.com/tmp/x', '/encoder/tmp/MatMul', 'at (w.bin)'],
      image: 'data:image/png;base64,AAAA/tmp/BBBB',
      n: 3,
    });
  });
});
