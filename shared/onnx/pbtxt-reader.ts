import { ONNX_ENUMS } from './enum-names.js';
import { messageSpec, type FieldSpec, type MessageSpec } from './schema.js';
import type { Int64, Message, ModelProto } from './types.js';

/**
 * Reads a ModelProto in protobuf's text format (what `google.protobuf.text_format` writes and Netron
 * opens as .pbtxt): `ir_version: 8  graph { node { op_type: "Relu" } }`. The binary codec's schema
 * drives it, so both read the same fields; anything outside the schema is refused with its line.
 */

export class PbtxtModelError extends Error {}

const ENUMS = ONNX_ENUMS;

const MAX_DEPTH = 64;

type Token = { kind: 'id' | 'number' | 'string' | 'punct' | 'end'; text: string; bytes?: Uint8Array; at: number };

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34, "'": 39, '?': 63 };
const isOctal = (c: number) => c >= 48 && c <= 55;
const hexValue = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/**
 * C-style escapes of the text format: \n \t \\ \" \' \ooo (octal) \xhh (hex). Linear in the length:
 * raw_data of big weights arrives as megabytes of octal escapes.
 */
function unescape(body: string, at: () => string): Uint8Array {
  const src = utf8.encode(body);
  const out = new Uint8Array(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== 92) {
      out[o++] = c;
      continue;
    }
    const e = src[++i];
    const simple = e === undefined ? undefined : SIMPLE_ESCAPES[String.fromCharCode(e)];
    if (simple !== undefined) out[o++] = simple;
    else if (e !== undefined && isOctal(e)) {
      let v = e - 48;
      for (let k = 0; k < 2 && isOctal(src[i + 1] ?? 0); k++) v = v * 8 + (src[++i]! - 48);
      out[o++] = v & 0xff;
    } else if (e === 120) {
      let v = hexValue(src[i + 1] ?? 0);
      if (v < 0) throw new PbtxtModelError(`the escape '\\x' at ${at()} has no hex digits`);
      i++;
      const second = hexValue(src[i + 1] ?? 0);
      if (second >= 0) {
        v = v * 16 + second;
        i++;
      }
      out[o++] = v;
    } else throw new PbtxtModelError(`unknown escape '\\${e === undefined ? '' : String.fromCharCode(e)}' at ${at()}`);
  }
  return out.slice(0, o);
}

function tokenize(src: string, where: (at: number) => string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '#') while (i < src.length && src[i] !== '\n') i++;
    else if (c === '"' || c === "'") {
      const start = i++;
      // Find the closing quote first and cut the body in one slice (weights can be megabytes long).
      let end = i;
      while (end < src.length && src[end] !== c && src[end] !== '\n') end += src[end] === '\\' ? 2 : 1;
      const body = src.slice(i, Math.min(end, src.length));
      i = Math.min(end, src.length);
      if (src[i] !== c) throw new PbtxtModelError(`the string at ${where(start)} is not closed on its line`);
      i++;
      tokens.push({ kind: 'string', text: body, bytes: unescape(body, () => where(start)), at: start });
    } else if (/[0-9]/.test(c) || ((c === '-' || c === '.') && /[0-9.]/.test(src[i + 1] ?? ''))) {
      const m = /^-?(0[xX][0-9a-fA-F]+|\d*\.?\d+([eE][-+]?\d+)?|\d+\.)[fF]?/.exec(src.slice(i, i + 64))!;
      tokens.push({ kind: 'number', text: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_-]/.test(c)) {
      const m = /^-?[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 4096));
      if (!m) throw new PbtxtModelError(`unexpected '${c}' at ${where(i)}`);
      tokens.push({ kind: 'id', text: m[0], at: i });
      i += m[0].length;
    } else if ('{}<>[]:,;'.includes(c)) tokens.push({ kind: 'punct', text: c, at: i++ });
    else throw new PbtxtModelError(`unexpected character '${c}' at ${where(i)}`);
  }
  tokens.push({ kind: 'end', text: '', at: src.length });
  return tokens;
}

class Parser {
  private pos = 0;
  private readonly tokens: Token[];

  constructor(private readonly src: string) {
    this.tokens = tokenize(src, (at) => this.where(at));
  }

  private where(at: number): string {
    const before = this.src.slice(0, at);
    return `line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private fail(what: string): never {
    const t = this.peek();
    throw new PbtxtModelError(`${what} at ${this.where(t.at)}${t.kind === 'end' ? ' (the end of the text)' : ` ('${t.text}')`}`);
  }

  private accept(text: string): boolean {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== text) return false;
    this.pos++;
    return true;
  }

  message(spec: MessageSpec, close: string | undefined, depth: number): Message {
    if (depth > MAX_DEPTH) throw new PbtxtModelError(`the text nests messages deeper than ${MAX_DEPTH} levels`);
    const out: Record<string, unknown> = {};
    for (;;) {
      const t = this.peek();
      if (close === undefined ? t.kind === 'end' : this.accept(close)) return out as Message;
      if (t.kind !== 'id') this.fail(close === undefined ? 'expected a field name' : `expected a field name or '${close}'`);
      const field = spec.fields.find((f) => f.protoName === t.text);
      if (!field) this.fail(`${spec.name} has no field '${t.text}'`);
      this.pos++;
      const colon = this.accept(':');
      const values = this.accept('[') ? this.list(field, spec, depth) : [this.value(field, spec, depth, colon)];
      if (field.repeated) {
        const list = (out[field.name] as unknown[] | undefined) ?? [];
        list.push(...values);
        out[field.name] = list;
      } else {
        out[field.name] = values.at(-1);
      }
      if (!this.accept(',')) this.accept(';');
    }
  }

  private list(field: FieldSpec, spec: MessageSpec, depth: number): unknown[] {
    const items: unknown[] = [];
    if (this.accept(']')) return items;
    do items.push(this.value(field, spec, depth, true));
    while (this.accept(','));
    if (!this.accept(']')) this.fail("expected ',' or ']'");
    return items;
  }

  private value(field: FieldSpec, spec: MessageSpec, depth: number, colon: boolean): unknown {
    if (field.kind === 'message') {
      const close = this.accept('{') ? '}' : this.accept('<') ? '>' : this.fail(`expected '{' to open ${field.protoName}`);
      return this.message(field.messageSpec ?? messageSpec(field.message!), close, depth + 1);
    }
    if (!colon) this.fail(`expected ':' after ${field.protoName}`);
    const t = this.peek();
    const at = `${field.protoName} at ${this.where(t.at)}`;
    if (field.kind === 'string' || field.kind === 'bytes') {
      if (t.kind !== 'string') this.fail(`expected a quoted string for ${field.protoName}`);
      // Adjacent strings are one value: "ab" "cd" is "abcd".
      const parts: Uint8Array[] = [];
      while (this.peek().kind === 'string') parts.push(this.tokens[this.pos++]!.bytes!);
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        bytes.set(p, o);
        o += p.length;
      }
      if (field.kind === 'bytes') return bytes;
      try {
        return utf8Decoder.decode(bytes);
      } catch {
        throw new PbtxtModelError(`${at} is not valid UTF-8`);
      }
    }
    this.pos++;
    if (field.kind === 'bool') {
      if (['true', 't', '1'].includes(t.text)) return true;
      if (['false', 'f', '0'].includes(t.text)) return false;
      throw new PbtxtModelError(`${at} must be true or false, not '${t.text}'`);
    }
    if (field.kind === 'float' || field.kind === 'double') {
      const word = t.text.toLowerCase().replace(/^-/, '');
      if (t.kind === 'id' && ['inf', 'infinity', 'nan'].includes(word)) return word === 'nan' ? NaN : t.text.startsWith('-') ? -Infinity : Infinity;
      if (t.kind !== 'number') throw new PbtxtModelError(`${at} must be a number, not '${t.text}'`);
      return Number(t.text.replace(/[fF]$/, ''));
    }
    // Integers: int32 (enums by name), int64, uint64.
    const names = ENUMS[`${spec.name}.${field.protoName}`];
    if (t.kind === 'id' && names) {
      const n = names[t.text];
      if (n === undefined) throw new PbtxtModelError(`${at} names no ${field.protoName} value '${t.text}'`);
      return n;
    }
    if (t.kind !== 'number' || !/^-?(0[xX][0-9a-fA-F]+|\d+)$/.test(t.text)) throw new PbtxtModelError(`${at} must be an integer, not '${t.text}'`);
    const negative = t.text.startsWith('-');
    const big = BigInt(t.text.replace(/^-/, '')) * (negative ? -1n : 1n);
    const [lo, hi] = field.kind === 'uint64' ? [0n, 2n ** 64n - 1n] : field.kind === 'int32' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
    if (big < lo || big > hi) throw new PbtxtModelError(`${at} is out of range for ${field.kind} (${t.text})`);
    const n = Number(big);
    return Number.isSafeInteger(n) ? n : (big as Int64);
  }
}

/** Typed arrays where the binary codec uses them (float_data, double_data). */
function typedArrays(spec: MessageSpec, msg: Record<string, unknown>): void {
  for (const f of spec.fields) {
    const v = msg[f.name];
    if (v === undefined) continue;
    if (f.typedArray && Array.isArray(v)) msg[f.name] = f.kind === 'float' ? Float32Array.from(v as number[]) : Float64Array.from(v as number[]);
    else if (f.kind === 'message') {
      const inner = f.messageSpec ?? messageSpec(f.message!);
      for (const m of f.repeated ? (v as Record<string, unknown>[]) : [v as Record<string, unknown>]) typedArrays(inner, m);
    }
  }
}

/** True when the text starts like a ModelProto in the text format (`ir_version: 8`, `graph {`, ...). */
export function looksLikePbtxt(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return /^\s*(#[^\n]*\n\s*)*(ir_version|opset_import|producer_name|producer_version|domain|model_version|doc_string|graph|metadata_props|functions)\s*(:|\{|<)/.test(head);
}

/** Parses the text format; throws PbtxtModelError with one sentence naming the line and column. */
export function readModelPbtxt(text: string): ModelProto {
  const spec = messageSpec('ModelProto');
  const model = new Parser(text.replace(/^\uFEFF/, '')).message(spec, undefined, 0) as Record<string, unknown>;
  typedArrays(spec, model);
  return model as ModelProto;
}
