import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { looksLikePbtxt, PbtxtModelError, readModelPbtxt } from '../../../shared/onnx/pbtxt-reader.js';
import { looksLikeOnnxText } from '../../../shared/onnx/text-reader.js';
import { CONFORMANCE_ROOT, DIGITS, fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

/** Models whose fields take every form the text format writes: strings with escapes, bytes, enums, subgraphs, float/double/int data. */
const FILES = [
  'node/test_if/model.onnx',
  'node/test_loop11/model.onnx',
  'node/test_scan9_sum/model.onnx',
  'node/test_constant/model.onnx',
  'node/test_cast_FLOAT_to_STRING/model.onnx',
  'node/test_cast_FLOAT_to_FLOAT16/model.onnx',
  'node/test_sequence_map_identity_1_sequence/model.onnx',
  'simple/test_gradient_of_add/model.onnx',
  'pytorch-converted/test_ConvTranspose2d/model.onnx',
]
  .map((c) => path.join(CONFORMANCE_ROOT, c))
  .concat([DIGITS, fixture('transformer-encoder.onnx')]);

describe('the protobuf text format of a model, against python-onnx and text_format', () => {
  it('reads what text_format writes into the same model', () => {
    const dir = tempDir();
    runPython(
      'import onnx, sys\nfrom google.protobuf import text_format\nfor i, f in enumerate(sys.argv[2:]):\n    m = onnx.load(f, load_external_data=False)\n    m.doc_string = "quotes \\" and \\\\ and \\n and \\u00e9 and \\x01"\n    open(f"{sys.argv[1]}/{i}.pbtxt", "w").write(text_format.MessageToString(m))\n    open(f"{sys.argv[1]}/{i}.expected.onnx", "wb").write(m.SerializeToString())',
      [dir, ...FILES],
    );
    for (const [i] of FILES.entries()) {
      const bytes = readFileSync(path.join(dir, `${i}.pbtxt`));
      expect(looksLikePbtxt(bytes)).toBe(true);
      expect(looksLikeOnnxText(bytes)).toBe(false);
      writeFileSync(path.join(dir, `${i}.onnx`), encodeModel(readModelPbtxt(bytes.toString('utf8'))));
    }
    const verdicts = runPython(
      'import onnx, sys\nfor i in range(int(sys.argv[2])):\n    e = onnx.load(f"{sys.argv[1]}/{i}.expected.onnx")\n    o = onnx.load(f"{sys.argv[1]}/{i}.onnx")\n    print("same" if e == o else "differs")',
      [dir, String(FILES.length)],
    );
    expect(verdicts.trim().split('\n')).toEqual(FILES.map(() => 'same'));
    expect(looksLikePbtxt(readFileSync(DIGITS))).toBe(false);
  });

  it('reads the forms text_format also accepts: lists, <> messages, separators, comments, hex, inf', () => {
    const model = readModelPbtxt(`# a comment
ir_version: 0x8, producer_name: 'single' "quoted";
opset_import < domain: "" version: 15 >
graph: {
  name: "g"
  node [{ op_type: "Relu" input: "x" output: "y" }, { op_type: "Constant" output: "c" attribute { name: "value_float" f: -inf type: FLOAT } }]
  initializer { dims: [2] data_type: 1 float_data: [1.5, nan] name: "w" }
}`);
    expect(model.irVersion).toBe(8);
    expect(model.producerName).toBe('singlequoted');
    expect(model.opsetImport).toEqual([{ domain: '', version: 15 }]);
    expect(model.graph!.node!.map((n) => n.opType)).toEqual(['Relu', 'Constant']);
    expect(model.graph!.node![1]!.attribute![0]!.f).toBe(-Infinity);
    expect(Array.from(model.graph!.initializer![0]!.floatData!)).toEqual([1.5, NaN]);
  });

  it('says where the text is wrong', () => {
    const bad = (text: string) => {
      try {
        readModelPbtxt(text);
      } catch (e) {
        expect(e).toBeInstanceOf(PbtxtModelError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('ir_version: 8\ngraph { nodes { } }')).toBe("GraphProto has no field 'nodes' at line 2, column 9 ('nodes')");
    expect(bad('ir_version: "8"')).toBe("ir_version at line 1, column 13 must be an integer, not '8'");
    expect(bad('graph { node { attribute { type: FLOATZ } } }')).toBe("type at line 1, column 34 names no type value 'FLOATZ'");
    expect(bad('graph { name: "g"')).toBe("expected a field name or '}' at line 1, column 18 (the end of the text)");
    expect(bad('producer_name: "open')).toBe('the string at line 1, column 16 is not closed on its line');
    expect(bad(`graph { ${'node { attribute { g { '.repeat(30)}${'} } } '.repeat(30)}}`)).toBe('the text nests messages deeper than 64 levels');
  });
});
