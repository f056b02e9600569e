import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../shared/onnx/encode.js';
import { JsonModelError, looksLikeJson, readModelJson } from '../../../shared/onnx/json-reader.js';
import { CONFORMANCE_ROOT, DIGITS, fixture, tempDir } from '../../helpers/paths.js';
import { runPython } from '../../helpers/python.js';

/** Conformance models whose attributes, subgraphs, initializers and types cover every JSON shape a field takes. */
const CASES = [
  'node/test_if/model.onnx',
  'node/test_loop11/model.onnx',
  'node/test_scan9_sum/model.onnx',
  'node/test_constant/model.onnx',
  'node/test_cast_FLOAT_to_STRING/model.onnx',
  'node/test_sequence_map_identity_1_sequence/model.onnx',
  'node/test_optional_has_element/model.onnx',
  'simple/test_gradient_of_add/model.onnx',
  'pytorch-converted/test_ConvTranspose2d/model.onnx',
  'node/test_cast_FLOAT_to_FLOAT16/model.onnx',
].map((c) => path.join(CONFORMANCE_ROOT, c));
const FILES = [...CASES, DIGITS, fixture('transformer-encoder.onnx')];

describe('the JSON form of a model (protobuf JSON mapping), against python-onnx and json_format', () => {
  it('reads what json_format writes, in camelCase and in proto field names, into the same model', () => {
    const dir = tempDir();
    const script = `
import onnx, sys, json
from google.protobuf import json_format
for i, f in enumerate(sys.argv[2:]):
    m = onnx.load(f, load_external_data=False)
    open(f"{sys.argv[1]}/{i}.json", "w").write(json_format.MessageToJson(m))
    open(f"{sys.argv[1]}/{i}.proto-names.json", "w").write(json_format.MessageToJson(m, preserving_proto_field_name=True))
`;
    runPython(script, [dir, ...FILES]);
    for (const [i] of FILES.entries()) {
      for (const form of ['json', 'proto-names.json']) {
        const text = readFileSync(path.join(dir, `${i}.${form}`), 'utf8');
        expect(looksLikeJson(new TextEncoder().encode(text))).toBe(true);
        writeFileSync(path.join(dir, `${i}.${form}.onnx`), encodeModel(readModelJson(text)));
      }
    }
    const same = runPython(
      `
import onnx, sys
out = []
for i, f in enumerate(sys.argv[2:]):
    m = onnx.load(f, load_external_data=False)
    for form in ["json", "proto-names.json"]:
        r = onnx.ModelProto.FromString(open(f"{sys.argv[1]}/{i}.{form}.onnx", "rb").read())
        out.append("same" if r == m else f"differs {f} {form}")
print("\\n".join(out))
`,
      [dir, ...FILES],
    )
      .trim()
      .split('\n');
    expect(same).toEqual(FILES.flatMap(() => ['same', 'same']));
    expect(looksLikeJson(readFileSync(DIGITS))).toBe(false);
  });

  it('refuses what the JSON mapping does not allow, naming the field', () => {
    const bad = (text: string) => {
      try {
        readModelJson(text);
      } catch (e) {
        expect(e).toBeInstanceOf(JsonModelError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('{"irVersion": "7", "graph": {"nodes": []}}')).toBe('graph.nodes is not a field of GraphProto');
    expect(bad('{"irVersion": "seven"}')).toBe('irVersion must be an integer, not "seven"');
    expect(bad('{"graph": {"node": [{"attribute": [{"type": "FLOATZ"}]}]}}')).toBe("graph.node[0].attribute[0].type names no type value 'FLOATZ'");
    expect(bad('{"graph": {"initializer": [{"rawData": "AA*A"}]}}')).toBe("graph.initializer[0].rawData is not base64 (character '*')");
    expect(bad('[1]')).toBe('the document must be a JSON object (ModelProto)');
    expect(bad('{"graph": ')).toMatch(/^the JSON does not parse/);
    expect(bad(`{"graph": ${'{"node": [{"attribute": [{"g": '.repeat(30)}{}${'}]}]}'.repeat(30)}}`)).toMatch(/nests deeper than 64 messages$/);
  });
});
