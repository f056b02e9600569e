import { describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { cli } from '../../helpers/cli.js';

// A torch.nn.TransformerEncoder export (generate-transformer-encoder.py): src [batch, sequence, 16]
// and its key padding mask [batch, sequence].
const ENCODER = fixture('transformer-encoder.onnx');


/** The output dims python onnx's shape inference (with data propagation, for torch's Shape/Reshape chains) gives at `shapes`. */
function inferredOutput(shapes: Record<string, number[]>): number[] {
  const script = [
    'import json, onnx, sys',
    'm = onnx.load(sys.argv[1])',
    'shapes = json.loads(sys.argv[2])',
    'for v in m.graph.input:',
    '    for d, n in zip(v.type.tensor_type.shape.dim, shapes[v.name]):',
    '        d.Clear(); d.dim_value = n',
    "m.graph.output[0].type.tensor_type.ClearField('shape')",
    'out = onnx.shape_inference.infer_shapes(m, data_prop=True).graph.output[0]',
    'print(json.dumps([d.dim_value for d in out.type.tensor_type.shape.dim]))',
  ].join('\n');
  return JSON.parse(runPython(script, [ENCODER, JSON.stringify(shapes)])) as number[];
}

describe('onnx-studio profile on a torch TransformerEncoder export (two dynamic inputs)', () => {
  it('feeds both inputs at one batch and sequence length, says which, and sweeps the batch over both', () => {
    const r = cli(['profile', ENCODER, '--runs', '4', '--warmup', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.shapesRun).toEqual({ src: [1, 128, 16], mask: [1, 128] });
    expect(p.assumedDims).toEqual({ batch: 1, sequence: 128 });
    // ONNX Runtime's trace shows kernels computing the encoder's output at the dims python onnx infers from shapesRun.
    const out = `[${inferredOutput(p.shapesRun).join('×')}]`;
    expect(out).toBe('[1×128×16]');
    expect(p.nodes.some((n: { shape: string }) => n.shape === out)).toBe(true);
    expect(p.throughput.map((t: { batch: number }) => t.batch)).toEqual([1, 2, 4, 8, 16]);
    expect(p.throughputError).toBeUndefined();
  });

  it('carries a sequence length given for one input to the other, and says so in the report', () => {
    const r = cli(['profile', ENCODER, '--runs', '3', '--warmup', '1', '--shape', 'src=2x10x16']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Inputs fed: src=2x10x16, mask=2x10\n');
    const wrong = cli(['profile', ENCODER, '--runs', '3', '--shape', 'src=2x10x15']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe("onnx-studio: Input 'src' is fixed at 16 in dimension 2 by the model, so it cannot be fed 15 there; give 16.");
  });
});
