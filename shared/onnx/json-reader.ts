import { ONNX_ENUMS } from './enum-names.js';
import { messageSpec, type FieldSpec, type MessageSpec } from './schema.js';
import type { Int64, Message, ModelProto } from './types.js';

/**
 * Reads a ModelProto written in protobuf's JSON mapping (what `google.protobuf.json_format` and
 * Netron's "ONNX JSON" produce): camelCase or proto field names, 64-bit integers as strings, bytes
 * as base64, enums by name or number. The schema of the binary codec drives it, so both forms read
 * the same fields. Anything that does not fit the schema is refused with its path in the document.
 */

const ENUMS = ONNX_ENUMS;

const MAX_DEPTH = 64;

export class JsonModelError extends Error {}

function fail(path: string, what: string): never {
  throw new JsonModelError(`${path || 'the document'} ${what}`);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Value of each character code, -1 where it is not base64 (standard and URL-safe alphabets). */
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i;
BASE64_VALUE['-'.charCodeAt(0)] = 62;
BASE64_VALUE['_'.charCodeAt(0)] = 63;

/** Standard or URL-safe base64, padded or not (the JSON mapping accepts both). */
function base64(text: string, path: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? BASE64_VALUE[code]! : -1;
    if (v < 0) fail(path, `is not base64 (character '${text[i]}')`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function int64(value: unknown, path: string, unsigned: boolean): Int64 {
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+$/.test(text) || (unsigned && text.startsWith('-'))) fail(path, `must be ${unsigned ? 'an unsigned' : 'an'} integer, not ${JSON.stringify(value)}`);
  const big = BigInt(text);
  const [lo, hi] = unsigned ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
  if (big < lo || big > hi) fail(path, `is out of the 64-bit range (${text})`);
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

function float(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return fail(path, `must be a number, not ${JSON.stringify(value)}`);
}

function scalar(field: FieldSpec, spec: MessageSpec, value: unknown, path: string): unknown {
  switch (field.kind) {
    case 'int64':
      return int64(value, path, false);
    case 'uint64':
      return int64(value, path, true);
    case 'int32': {
      const names = ENUMS[`${spec.name}.${field.protoName}`];
      if (names && typeof value === 'string' && /^[A-Z_]+$/.test(value)) {
        const n = names[value];
        if (n === undefined) fail(path, `names no ${field.protoName} value '${value}'`);
        return n;
      }
      const n = int64(value, path, false);
      if (typeof n !== 'number' || n < -(2 ** 31) || n >= 2 ** 31) fail(path, `is out of the 32-bit range (${String(value)})`);
      return n;
    }
    case 'float':
    case 'double':
      return float(value, path);
    case 'bool':
      if (typeof value !== 'boolean') fail(path, `must be true or false, not ${JSON.stringify(value)}`);
      return value;
    case 'string':
      if (typeof value !== 'string') fail(path, `must be a string, not ${JSON.stringify(value)}`);
      return value;
    case 'bytes':
      if (typeof value !== 'string') fail(path, 'must be a base64 string');
      return base64(value, path);
    default:
      return fail(path, 'has an unknown kind');
  }
}

function readMessage(spec: MessageSpec, json: unknown, path: string, depth: number): Message {
  if (depth > MAX_DEPTH) fail(path, `nests deeper than ${MAX_DEPTH} messages`);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(path, `must be a JSON object (${spec.name})`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = spec.fields.find((f) => f.name === key || f.protoName === key);
    const at = `${path}${path ? '.' : ''}${key}`;
    if (!field) fail(at, `is not a field of ${spec.name}`);
    if (value === null) continue;
    const one = (v: unknown, p: string) => (field.kind === 'message' ? readMessage(field.messageSpec ?? messageSpec(field.message!), v, p, depth + 1) : scalar(field, spec, v, p));
    if (field.repeated) {
      if (!Array.isArray(value)) fail(at, 'must be a JSON array');
      const items = value.map((v, i) => one(v, `${at}[${i}]`));
      if (field.typedArray) out[field.name] = field.kind === 'float' ? Float32Array.from(items as number[]) : Float64Array.from(items as number[]);
      else out[field.name] = items;
    } else {
      out[field.name] = one(value, at);
    }
  }
  return out as Message;
}

/** True when the bytes start, after white space, with '{': a JSON document rather than protobuf. */
export function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b;
  }
  return false;
}

/** Parses the JSON form of a model; throws JsonModelError with one sentence naming where it went wrong. */
export function readModelJson(text: string): ModelProto {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new JsonModelError(`the JSON does not parse (${e instanceof Error ? e.message : String(e)})`);
  }
  return readMessage(messageSpec('ModelProto'), json, '', 0) as ModelProto;
}
