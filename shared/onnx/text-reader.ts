import type { AttributeProto, FunctionProto, GraphProto, Int64, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto, TensorProto, TypeProto, ValueInfoProto } from './types.js';

/**
 * Reads the ONNX text form of a model (the syntax of `onnx.parser` / `onnx.printer`):
 *
 *   <ir_version: 8, opset_import: ["" : 15]>
 *   main (float[N, 3] X) => (float[N, 3] Y) <float[3] B = {1, 2, 3}> { Y = Add (X, B) }
 *   <domain: "custom", opset_import: ["" : 15]> Double <alpha> (t) => (u) { u = Add (t, t) }
 *
 * Names may be quoted ("onnx::Conv_1") where they are not plain identifiers. Errors name the line
 * and column and what was expected there.
 */

export class TextModelError extends Error {}

const ELEM_TYPES: Record<string, number> = {
  float: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, double: 11,
  uint32: 12, uint64: 13, complex64: 14, complex128: 15, bfloat16: 16, float8e4m3fn: 17, float8e4m3fnuz: 18, float8e5m2: 19,
  float8e5m2fnuz: 20, uint4: 21, int4: 22, float4e2m1: 23,
};

const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, TYPE_PROTO: 13 };
const ATTR_BY_NAME: Record<string, number> = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8, tensors: 9, graphs: 10 };
const MAX_DEPTH = 64;

type Token =
  | { kind: 'id'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'number'; text: string; float: boolean; at: number }
  | { kind: 'punct'; text: string; at: number }
  | { kind: 'end'; text: ''; at: number };

const utf8 = new TextEncoder();

function tokenize(src: string, where: (at: number) => string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '"') {
      const start = i++;
      let text = '';
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length) {
          const e = src[++i]!;
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        } else text += src[i];
        i++;
      }
      if (i >= src.length) throw new TextModelError(`the string at ${where(start)} is not closed`);
      i++;
      tokens.push({ kind: 'string', text, at: start });
    } else if (/[0-9]/.test(c) || ((c === '-' || c === '+') && /[0-9.]/.test(src[i + 1] ?? '')) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i, i + 64))!;
      tokens.push({ kind: 'number', text: m[0], float: /[.eE]/.test(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 4096))!;
      tokens.push({ kind: 'id', text: m[0], at: i });
      i += m[0].length;
    } else if (c === '=' && src[i + 1] === '>') {
      tokens.push({ kind: 'punct', text: '=>', at: i });
      i += 2;
    } else if ('<>()[]{},:=.@?'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, at: i++ });
    } else {
      throw new TextModelError(`unexpected character '${c}' at ${where(i)}`);
    }
  }
  tokens.push({ kind: 'end', text: '', at: src.length });
  return tokens;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly tokens: Token[];

  constructor(private readonly src: string) {
    this.tokens = tokenize(src, (at) => this.where(at));
  }

  where(at: number): string {
    const before = this.src.slice(0, at);
    const line = before.split('\n').length;
    return `line ${line}, column ${at - before.lastIndexOf('\n')}`;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private fail(expected: string): never {
    const t = this.peek();
    throw new TextModelError(`expected ${expected} at ${this.where(t.at)} but found ${t.kind === 'end' ? 'the end of the text' : `'${t.text}'`}`);
  }

  private is(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }

  private expect(text: string): void {
    if (!this.accept(text)) this.fail(`'${text}'`);
  }

  /** A name: an identifier or a quoted string (for names such as "/conv1/Conv_output_0"). */
  private name(what: string): string {
    const t = this.peek();
    if (t.kind !== 'id' && t.kind !== 'string') this.fail(what);
    this.pos++;
    return t.text;
  }

  private optionalName(): string {
    const t = this.peek();
    return t.kind === 'id' || t.kind === 'string' ? this.name('a name') : '';
  }

  private integer(): Int64 {
    const t = this.peek();
    if (t.kind !== 'number' || t.float) this.fail('an integer');
    this.pos++;
    const n = Number(t.text);
    return Number.isSafeInteger(n) ? n : BigInt(t.text);
  }

  private string(): string {
    const t = this.peek();
    if (t.kind !== 'string') this.fail('a string in double quotes');
    this.pos++;
    return t.text;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new TextModelError(`the text nests graphs deeper than ${MAX_DEPTH} levels`);
  }

  private list<T>(open: string, close: string, item: () => T): T[] {
    this.expect(open);
    const items: T[] = [];
    if (this.accept(close)) return items;
    do items.push(item());
    while (this.accept(','));
    this.expect(close);
    return items;
  }

  private opsets(): OperatorSetIdProto[] {
    return this.list('[', ']', () => {
      const domain = this.string();
      this.expect(':');
      return { domain, version: this.integer() };
    });
  }

  private entries(): StringStringEntryProto[] {
    return this.list('[', ']', () => {
      const key = this.string();
      this.expect(':');
      return { key, value: this.string() };
    });
  }

  model(): ModelProto {
    const model: ModelProto = {};
    if (this.is('<')) {
      this.list('<', '>', () => {
        const key = this.name('a model field');
        this.expect(':');
        switch (key) {
          case 'ir_version':
            return void (model.irVersion = this.integer());
          case 'model_version':
            return void (model.modelVersion = this.integer());
          case 'opset_import':
            return void (model.opsetImport = this.opsets());
          case 'metadata_props':
            return void (model.metadataProps = this.entries());
          case 'producer_name':
            return void (model.producerName = this.string());
          case 'producer_version':
            return void (model.producerVersion = this.string());
          case 'domain':
            return void (model.domain = this.string());
          case 'doc_string':
            return void (model.docString = this.string());
          default:
            this.pos -= 2;
            return this.fail('ir_version, opset_import, producer_name, producer_version, domain, model_version, doc_string or metadata_props');
        }
      });
    }
    model.graph = this.graph();
    const functions: FunctionProto[] = [];
    while (this.peek().kind !== 'end') functions.push(this.function());
    if (functions.length > 0) model.functions = functions;
    return model;
  }

  private function(): FunctionProto {
    const fn: FunctionProto = {};
    if (this.is('<')) {
      this.list('<', '>', () => {
        const key = this.name('a function field');
        this.expect(':');
        if (key === 'domain') fn.domain = this.string();
        else if (key === 'opset_import') fn.opsetImport = this.opsets();
        else if (key === 'doc_string') fn.docString = this.string();
        else {
          this.pos -= 2;
          this.fail('domain, opset_import or doc_string');
        }
      });
    }
    fn.name = this.name('a function name');
    if (this.is('<')) fn.attribute = this.list('<', '>', () => this.name('an attribute name'));
    fn.input = this.list('(', ')', () => this.name('an input name'));
    this.expect('=>');
    fn.output = this.list('(', ')', () => this.name('an output name'));
    fn.node = this.nodes();
    return fn;
  }

  private graph(): GraphProto {
    this.enter();
    const graph: GraphProto = { name: this.name('a graph name') };
    const initializers: TensorProto[] = [];
    const inputs = this.list('(', ')', () => this.valueInfo(initializers));
    this.expect('=>');
    graph.output = this.list('(', ')', () => this.valueInfo(undefined));
    const valueInfo: ValueInfoProto[] = [];
    if (this.is('<')) {
      // Declarations after the signature: value_info, or initializers where a value is given.
      this.list('<', '>', () => {
        const count = initializers.length;
        const v = this.valueInfo(initializers);
        if (initializers.length === count) valueInfo.push(v);
      });
    }
    graph.node = this.nodes();
    graph.input = inputs;
    if (initializers.length > 0) graph.initializer = initializers;
    if (valueInfo.length > 0) graph.valueInfo = valueInfo;
    this.depth--;
    return graph;
  }

  /** `float[N, 3] X`, or with a value (`= {1, 2}`), which makes it an initializer as well. */
  private valueInfo(initializers: TensorProto[] | undefined): ValueInfoProto {
    const type = this.type();
    const name = this.name('a value name');
    if (initializers && this.accept('=')) {
      const tensor = type.tensorType;
      if (!tensor?.shape) this.fail('a tensor type with a shape before a value');
      const dims = (tensor.shape.dim ?? []).map((d) => d.dimValue ?? 0);
      initializers.push(this.tensorValues({ dims, dataType: tensor.elemType, name }));
    }
    return { name, type };
  }

  private type(): TypeProto {
    const t = this.peek();
    if (t.kind !== 'id') this.fail('a type');
    if (t.text === 'seq' || t.text === 'optional') {
      this.pos++;
      this.expect('(');
      const elemType = this.type();
      this.expect(')');
      return t.text === 'seq' ? { sequenceType: { elemType } } : { optionalType: { elemType } };
    }
    if (t.text === 'map') {
      this.pos++;
      this.expect('(');
      const key = this.elemType();
      this.expect(',');
      const valueType = this.type();
      this.expect(')');
      return { mapType: { keyType: key, valueType } };
    }
    const elemType = this.elemType();
    // As onnx.parser reads them: 'float' is a scalar (a shape of rank 0), 'float[]' has no shape (rank unknown).
    if (!this.is('[')) return { tensorType: { elemType, shape: {} } };
    if (this.peek(1).kind === 'punct' && this.peek(1).text === ']') {
      this.pos += 2;
      return { tensorType: { elemType } };
    }
    const dim = this.list('[', ']', () => {
      const d = this.peek();
      if (d.kind === 'number') return { dimValue: this.integer() };
      if (this.accept('?')) return {};
      return { dimParam: this.name('a dimension') };
    });
    return { tensorType: { elemType, shape: { dim } } };
  }

  private elemType(): number {
    const t = this.peek();
    const id = t.kind === 'id' ? ELEM_TYPES[t.text] : undefined;
    if (id === undefined) this.fail('an element type (float, int64, ...)');
    this.pos++;
    return id;
  }

  private nodes(): NodeProto[] {
    this.expect('{');
    const nodes: NodeProto[] = [];
    while (!this.accept('}')) {
      if (this.peek().kind === 'end') this.fail("'}'");
      nodes.push(this.node());
    }
    return nodes;
  }

  private names(close: string): string[] {
    // Omitted optional values are empty between commas: `Y = Op (A, , C)`, `Y, = Dropout (X)`.
    const out: string[] = [];
    if (this.is(close) || this.is('=')) return out;
    for (;;) {
      out.push(this.optionalName());
      if (!this.accept(',')) break;
      if (this.is(close) || this.is('=')) {
        out.push('');
        break;
      }
    }
    return out;
  }

  private node(): NodeProto {
    const node: NodeProto = {};
    if (this.accept('[')) {
      node.name = this.name('a node name');
      this.expect(']');
    }
    node.output = this.names('=');
    this.expect('=');
    const parts = [this.name('an operator')];
    while (this.accept('.')) parts.push(this.name('an operator after the domain'));
    node.opType = parts.pop()!;
    node.domain = parts.join('.');
    if (this.is('<')) node.attribute = this.list('<', '>', () => this.attribute());
    this.expect('(');
    node.input = this.names(')');
    this.expect(')');
    // The attributes may also follow the inputs: `W = If (c) <then_branch = ...>`.
    if (!node.attribute && this.is('<')) node.attribute = this.list('<', '>', () => this.attribute());
    if (node.input.length === 0) delete node.input;
    if (node.output.length === 0) delete node.output;
    return node;
  }

  private attribute(): AttributeProto {
    const attr: AttributeProto = { name: this.name('an attribute name') };
    let declared: number | undefined;
    if (this.accept(':')) {
      const t = this.name('an attribute type');
      declared = ATTR_BY_NAME[t];
      if (declared === undefined) {
        this.pos--;
        this.fail('an attribute type (float, int, string, tensor, graph, floats, ints, strings, ...)');
      }
    }
    this.expect('=');
    if (this.accept('@')) {
      attr.refAttrName = this.name('the name of the referenced attribute');
      if (declared === undefined) this.fail('a declared type for a reference');
      attr.type = declared;
      return attr;
    }
    this.value(attr, declared);
    if (declared !== undefined && declared !== attr.type) {
      // `x: floats = [1, 2]` writes integers as floats.
      if (declared === ATTR.FLOATS && attr.type === ATTR.INTS) {
        attr.floats = (attr.ints ?? []).map(Number);
        delete attr.ints;
      } else if (declared === ATTR.FLOAT && attr.type === ATTR.INT) {
        attr.f = Number(attr.i);
        delete attr.i;
      } else throw new TextModelError(`attribute '${attr.name}' is declared ${Object.keys(ATTR_BY_NAME).find((k) => ATTR_BY_NAME[k] === declared)} but its value is not`);
      attr.type = declared;
    }
    return attr;
  }

  private value(attr: AttributeProto, declared: number | undefined): void {
    const t = this.peek();
    if (t.kind === 'number') {
      this.pos++;
      if (t.float) Object.assign(attr, { f: Number(t.text), type: ATTR.FLOAT });
      else Object.assign(attr, { i: Number.isSafeInteger(Number(t.text)) ? Number(t.text) : BigInt(t.text), type: ATTR.INT });
    } else if (t.kind === 'string') {
      this.pos++;
      Object.assign(attr, { s: utf8.encode(t.text), type: ATTR.STRING });
    } else if (this.is('[')) {
      const items = this.list('[', ']', () => {
        const v = this.peek();
        if (v.kind !== 'number' && v.kind !== 'string') this.fail('a number or a string in the list');
        this.pos++;
        return v;
      });
      if (items.length === 0 && declared !== undefined && [ATTR.INTS, ATTR.FLOATS, ATTR.STRINGS].includes(declared)) {
        attr.type = declared;
        return;
      }
      if (items.length === 0) throw new TextModelError(`attribute '${attr.name}' is an empty list without a declared type; write '${attr.name}: ints = []'`);
      if (items.every((v) => v.kind === 'string')) Object.assign(attr, { strings: items.map((v) => utf8.encode(v.text)), type: ATTR.STRINGS });
      else if (items.some((v) => v.kind === 'string')) throw new TextModelError(`attribute '${attr.name}' mixes strings and numbers`);
      else if (items.some((v) => v.kind === 'number' && v.float)) Object.assign(attr, { floats: items.map((v) => Number(v.text)), type: ATTR.FLOATS });
      else Object.assign(attr, { ints: items.map((v) => (Number.isSafeInteger(Number(v.text)) ? Number(v.text) : BigInt(v.text))), type: ATTR.INTS });
    } else if (t.kind === 'id' && ELEM_TYPES[t.text] !== undefined && !(this.peek(1).kind === 'punct' && this.peek(1).text === '(')) {
      Object.assign(attr, { t: this.tensor(), type: ATTR.TENSOR });
    } else if (t.kind === 'id') {
      Object.assign(attr, { g: this.graph(), type: ATTR.GRAPH });
    } else {
      this.fail('an attribute value');
    }
  }

  /** `float[2] {1, 2}` or `int64[2] name {3, 4}` inside an attribute. */
  private tensor(): TensorProto {
    const type = this.type().tensorType!;
    const dims = (type.shape?.dim ?? []).map((d) => {
      if (d.dimValue === undefined) throw new TextModelError('a tensor value needs fixed dimensions');
      return d.dimValue;
    });
    const name = this.is('{') ? '' : this.name('a tensor name or its values in braces');
    return this.tensorValues({ dims, dataType: type.elemType, name });
  }

  private tensorValues(tensor: TensorProto): TensorProto {
    const values = this.list('{', '}', () => {
      const v = this.peek();
      if (v.kind !== 'number' && v.kind !== 'string') this.fail('a tensor element');
      this.pos++;
      return v;
    });
    const numbers = () =>
      values.map((v) => {
        if (v.kind !== 'number') throw new TextModelError(`tensor '${tensor.name ?? ''}' holds a string where a number belongs`);
        return Number(v.text);
      });
    const ints = () =>
      values.map((v) => {
        if (v.kind !== 'number' || v.float) throw new TextModelError(`tensor '${tensor.name ?? ''}' holds '${v.text}' where an integer belongs`);
        return Number.isSafeInteger(Number(v.text)) ? Number(v.text) : BigInt(v.text);
      });
    const count = (tensor.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
    if (values.length !== count) throw new TextModelError(`tensor '${tensor.name ?? ''}' has ${values.length} values for ${count} elements`);
    switch (tensor.dataType) {
      case 1:
        tensor.floatData = Float32Array.from(numbers());
        break;
      case 11:
        tensor.doubleData = Float64Array.from(numbers());
        break;
      case 7:
        tensor.int64Data = ints();
        break;
      case 12:
      case 13:
        tensor.uint64Data = ints();
        break;
      case 8:
        tensor.stringData = values.map((v) => {
          if (v.kind !== 'string') throw new TextModelError(`tensor '${tensor.name ?? ''}' holds a number where a string belongs`);
          return utf8.encode(v.text);
        });
        break;
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
      case 9:
        tensor.int32Data = ints().map(Number);
        break;
      default:
        throw new TextModelError(`tensor '${tensor.name ?? ''}' has an element type whose values cannot be written as text here`);
    }
    return tensor;
  }
}

/** True when the text starts like the ONNX text form: a `<` header with ir_version, or a graph signature. */
export function looksLikeOnnxText(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  if (/[\u0000-\u0008\u000e-\u001f]/.test(head)) return false;
  return /^\s*(#[^\n]*\n\s*)*<\s*ir_version\s*:/.test(head) || /^\s*(#[^\n]*\n\s*)*[A-Za-z_][A-Za-z0-9_]*\s*\([^)]*\)\s*=>\s*\(/.test(head);
}

/** Parses the text form; throws TextModelError with one sentence naming the line and column. */
export function readModelText(text: string): ModelProto {
  return new Parser(text.replace(/^\uFEFF/, '')).model();
}
