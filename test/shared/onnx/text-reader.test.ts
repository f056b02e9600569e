import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { looksLikeOnnxText, readModelText, TextModelError } from '../../../shared/onnx/text-reader.js';
import { DIGITS, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';
import { readFileSync } from 'node:fs';

const HEADER = '<ir_version: 8, opset_import: ["" : 15, "custom" : 1], producer_name: "hand", producer_version: "1.0", domain: "ai.test", model_version: 3, doc_string: "a model", metadata_props: ["author" : "me"]>\n';

/** Texts covering the grammar python-onnx's parser (the oracle) reads. */
const TEXTS: Record<string, string> = {
  signature: `${HEADER}agraph (float[N, 128] X, float[128, 10] W, float[10] B) => (float[N, 10] C)
{
    T = MatMul(X, W)
    S = Add(T, B)   # a comment
    C = Softmax <axis = -1> (S)
}`,
  declarations: `${HEADER}g (float[2] x, float[2] w = {1, 2.5}) => (float[2] Y)
<float[2] mid, int64[1] axes = {0}, float[] scalar>
{
    mid = Relu(x)
    Y, = Dropout(mid)
    Z = custom.F (x, , w)
}`,
  attributes: `${HEADER}g (float[2] x) => (float[2] Y) {
    Y = custom.F <i = 3, f = -0.5, e = 1e-5, s = "some text", ints = [1, -2, 3], floats = [1.5, 2.5], strings = ["a", "b"], big = 9007199254740993> (x)
    Z = Cast <to: int = 1> (x)
}`,
  tensors: `${HEADER}g () => (float[2] Y) {
    A = Constant <value = float[2] {1, 2}> ()
    B = Constant <value = int64[2] named {3, -4}> ()
    C = Constant <value = bool[2] {1, 0}> ()
    D = Constant <value = uint64[1] {5}> ()
    E = Constant <value = double[1] {2}> ()
    F = Constant <value = string[2] {"p", "q"}> ()
    G = Constant <value = int8[3] {-3, 0, 7}> ()
    H = Constant <value = float[2, 2] {1, 2, 3, 4}> ()
    Y = Identity(A)
}`,
  subgraphs: `${HEADER}g (bool c, float[N] x, int64 m) => (float[1] W) {
    W = If (c) <then_branch = t1 () => (float[1] a) { a = Constant <value = float[1] {1}> () }, else_branch = e1 () => (float[1] b) { b = Constant <value_float = 2.5> () }>
    L = Loop (m, c, x) <body = body (int64 i, bool cond, float[N] v) => (bool cond_out, float[N] v_out) { cond_out = Identity(cond)
        v_out = Relu(v) }>
}`,
  functions: `${HEADER}g (float[N] X) => (float[N] Y) { Y = custom.Double <alpha = 2.0> (X) }
<domain: "custom", opset_import: ["" : 15]>
Double <alpha> (t) => (u)
{
    two = Constant <value_float: float = @alpha> ()
    u = Mul(t, two)
}
<domain: "custom", opset_import: ["" : 15]>
Plain (t) => (u, v) { u = Relu(t)
 v = Neg(t) }`,
  types: `<ir_version: 8, opset_import: ["" : 15]>
g (float X, float[] R, uint8[1, 2, 3] U, float16[B] H, double[2] D, bfloat16[2] BF) => (float Y) { Y = Relu(X) }`,
};

describe('the ONNX text form, against python-onnx’s parser', () => {
  it('reads every text into the model onnx.parser makes of it', () => {
    const dir = tempDir();
    const names = Object.keys(TEXTS);
    for (const name of names) {
      writeFileSync(path.join(dir, `${name}.txt`), TEXTS[name]!);
      expect(looksLikeOnnxText(new TextEncoder().encode(TEXTS[name]!))).toBe(true);
      writeFileSync(path.join(dir, `${name}.onnx`), encodeModel(readModelText(TEXTS[name]!)));
    }
    const verdicts = runPython(
      `
import onnx, onnx.parser, sys, difflib
for name in sys.argv[2:]:
    expected = onnx.parser.parse_model(open(f"{sys.argv[1]}/{name}.txt").read())
    ours = onnx.ModelProto.FromString(open(f"{sys.argv[1]}/{name}.onnx", "rb").read())
    diff = " | ".join(l for l in difflib.unified_diff(str(expected).splitlines(), str(ours).splitlines(), lineterm="", n=1) if l[:1] in "+-@")
    print(name, "same" if ours == expected else "differs: " + diff)
`,
      [dir, ...names],
    );
    expect(verdicts.trim().split('\n')).toEqual(names.map((n) => `${n} same`));
  });

  it('does not take a binary model or JSON for text', () => {
    expect(looksLikeOnnxText(readFileSync(DIGITS))).toBe(false);
    expect(looksLikeOnnxText(new TextEncoder().encode('{"irVersion": "8"}'))).toBe(false);
  });

  it('says where the text is wrong and what was expected there', () => {
    const bad = (text: string) => {
      try {
        readModelText(text);
      } catch (e) {
        expect(e).toBeInstanceOf(TextModelError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('<ir_version: 8>\ng (float[2] x) => (float[2] y) { y = Relu(x) ')).toBe("expected '}' at line 2, column 46 but found the end of the text");
    expect(bad('<ir_version: eight>\ng () => () {}')).toBe("expected an integer at line 1, column 14 but found 'eight'");
    expect(bad('<ir_version: 8, colour: "red">\ng () => () {}')).toMatch(/^expected ir_version, opset_import, .* at line 1, column 17 but found 'colour'$/);
    expect(bad('<ir_version: 8>\ng (floaty[2] x) => () {}')).toBe("expected an element type (float, int64, ...) at line 2, column 4 but found 'floaty'");
    expect(bad('<ir_version: 8>\ng () => () { A = Constant <value = float[3] {1, 2}> () }')).toBe("tensor '' has 2 values for 3 elements");
    expect(bad('<ir_version: 8>\ng () => () { A = Constant <value = "unclosed> () }')).toBe('the string at line 2, column 36 is not closed');
    const deep = `<ir_version: 8>\n${'g () => () { A = If () <then_branch = '.repeat(70)}g () => () {}${'> () }'.repeat(70)}`;
    expect(bad(deep)).toBe('the text nests graphs deeper than 64 levels');
  });
});
