import { describe, expect, it } from 'vitest';
import { DIGITS } from '../../helpers/paths.js';
import { cli } from '../../helpers/cli.js';


describe('onnx-studio analyze', () => {
  it('prints the JSON contract with per-layer costs that add up', () => {
    const r = cli(['analyze', DIGITS, '--json']);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(Object.keys(a.totals)).toEqual(expect.arrayContaining(['macs', 'flops', 'params', 'weightBytes', 'activationBytes', 'peakActivationBytes']));
    expect(a.nodes).toHaveLength(11);
    const conv1 = a.nodes.find((n: { name: string }) => n.name === '/c1/Conv');
    // 16 output channels x 28 x 28 positions x (1 input channel x 3 x 3 kernel)
    expect(conv1.macs).toBe(16 * 28 * 28 * 9);
    expect(conv1.flops).toBe(2 * conv1.macs + 16 * 28 * 28);
    expect(conv1.outputShapes).toEqual([[1, 16, 28, 28]]);
    expect(conv1.outputBytes).toBe(16 * 28 * 28 * 4);
    const sum = (key: string) => a.nodes.reduce((acc: number, n: Record<string, number>) => acc + (n[key] ?? 0), 0);
    expect(a.totals.macs).toBe(sum('macs'));
    expect(a.totals.flops).toBe(sum('flops'));
    expect(a.totals.params).toBe(23946);
    expect(a.incomplete).toEqual([]);
  });

  it('follows the input dims the user gives, and explains bad ones in one line', () => {
    const one = JSON.parse(cli(['analyze', DIGITS, '--json']).stdout);
    const four = JSON.parse(cli(['analyze', DIGITS, '--shape', 'image=4x1x28x28', '--json']).stdout);
    expect(four.totals.macs).toBe(4 * one.totals.macs);
    const bad = cli(['analyze', DIGITS, '--shape', 'pixels=1x1x28x28']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("onnx-studio: The model has no input 'pixels'; its inputs are: image.");
    expect(cli(['analyze', DIGITS, '--shape', 'image']).code).toBe(2);
  });
});
