/**
 * A small reader of protobuf text format checked against a message schema, so tests can parse
 * Triton's config.pbtxt back and refuse any field, type or enum value Triton's ModelConfig lacks.
 * The schema subset below is written from Triton's model_config.proto documentation.
 */
type FieldType = 'string' | 'int' | 'bool' | { enum: readonly string[] } | { message: string } | { map: 'string' };
interface FieldSpec {
  type: FieldType;
  repeated?: boolean;
}
type Schema = Record<string, Record<string, FieldSpec>>;

const DATA_TYPES = ['TYPE_INVALID', 'TYPE_BOOL', 'TYPE_UINT8', 'TYPE_UINT16', 'TYPE_UINT32', 'TYPE_UINT64', 'TYPE_INT8', 'TYPE_INT16', 'TYPE_INT32', 'TYPE_INT64', 'TYPE_FP16', 'TYPE_FP32', 'TYPE_FP64', 'TYPE_STRING', 'TYPE_BF16'];

export const TRITON_MODEL_CONFIG: Schema = {
  ModelConfig: {
    name: { type: 'string' },
    platform: { type: 'string' },
    backend: { type: 'string' },
    max_batch_size: { type: 'int' },
    input: { type: { message: 'ModelInput' }, repeated: true },
    output: { type: { message: 'ModelOutput' }, repeated: true },
    dynamic_batching: { type: { message: 'ModelDynamicBatching' } },
    instance_group: { type: { message: 'ModelInstanceGroup' }, repeated: true },
    optimization: { type: { message: 'ModelOptimizationPolicy' } },
  },
  ModelInput: { name: { type: 'string' }, data_type: { type: { enum: DATA_TYPES } }, dims: { type: 'int', repeated: true }, optional: { type: 'bool' } },
  ModelOutput: { name: { type: 'string' }, data_type: { type: { enum: DATA_TYPES } }, dims: { type: 'int', repeated: true } },
  ModelDynamicBatching: { preferred_batch_size: { type: 'int', repeated: true }, max_queue_delay_microseconds: { type: 'int' } },
  ModelInstanceGroup: { name: { type: 'string' }, count: { type: 'int' }, kind: { type: { enum: ['KIND_AUTO', 'KIND_GPU', 'KIND_CPU', 'KIND_MODEL'] } }, gpus: { type: 'int', repeated: true } },
  ModelOptimizationPolicy: { execution_accelerators: { type: { message: 'ExecutionAccelerators' } } },
  ExecutionAccelerators: {
    gpu_execution_accelerator: { type: { message: 'Accelerator' }, repeated: true },
    cpu_execution_accelerator: { type: { message: 'Accelerator' }, repeated: true },
  },
  Accelerator: { name: { type: 'string' }, parameters: { type: { map: 'string' }, repeated: true } },
};

type Value = string | number | boolean | Message | Value[];
export interface Message {
  [field: string]: Value;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s+|#[^\n]*|("(?:[^"\\]|\\.)*")|([{}[\]:,<>])|([A-Za-z_][\w.]*)|(-?\d+(?:\.\d+)?)/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`unexpected text at ${at}: ${JSON.stringify(text.slice(at, at + 20))}`);
    if (m[1] ?? m[2] ?? m[3] ?? m[4]) tokens.push(m[0]);
    at = re.lastIndex;
  }
  return tokens;
}

function unquote(s: string): string {
  const bytes: number[] = [];
  for (let i = 1; i < s.length - 1; i++) {
    if (s[i] === '\\') {
      const oct = /^[0-7]{3}/.exec(s.slice(i + 1));
      if (oct) {
        bytes.push(Number.parseInt(oct[0], 8));
        i += 3;
      } else bytes.push(s.charCodeAt(++i));
    } else bytes.push(...new TextEncoder().encode(s[i]!));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Parses text format into a message of `type`, refusing anything the schema does not have. */
export function parsePbtxt(text: string, schema: Schema = TRITON_MODEL_CONFIG, type = 'ModelConfig'): Message {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const take = (want?: string) => {
    const t = tokens[at++];
    if (t === undefined || (want !== undefined && t !== want)) throw new Error(`expected ${want ?? 'a token'}, got ${t ?? 'the end'}`);
    return t;
  };
  const scalar = (spec: FieldSpec, field: string): Value => {
    const t = take();
    const type = spec.type;
    if (type === 'string') {
      if (!t.startsWith('"')) throw new Error(`${field} must be a string, got ${t}`);
      return unquote(t);
    }
    if (type === 'int') {
      if (!/^-?\d+$/.test(t)) throw new Error(`${field} must be an integer, got ${t}`);
      return Number(t);
    }
    if (type === 'bool') return t === 'true';
    if (typeof type === 'object' && 'enum' in type) {
      if (!type.enum.includes(t)) throw new Error(`${field} has no enum value ${t}`);
      return t;
    }
    throw new Error(`${field} needs a message`);
  };
  const value = (spec: FieldSpec, field: string): Value => {
    const type = spec.type;
    if (typeof type === 'object' && 'map' in type) {
      take('{');
      const entry: Message = {};
      while (peek() !== '}') {
        const key = take();
        if (key !== 'key' && key !== 'value') throw new Error(`${field} map entries have key and value, not ${key}`);
        if (peek() === ':') take(':');
        entry[key] = scalar({ type: 'string' }, `${field}.${key}`);
      }
      take('}');
      return entry;
    }
    if (typeof type === 'object' && 'message' in type) {
      take('{');
      const m = fields(type.message, '}');
      take('}');
      return m;
    }
    return scalar(spec, field);
  };
  const fields = (message: string, end: string | undefined): Message => {
    const specs = schema[message];
    if (!specs) throw new Error(`no schema for ${message}`);
    const out: Message = {};
    while (peek() !== end) {
      const name = take();
      const spec = specs[name];
      if (!spec) throw new Error(`${message} has no field '${name}'`);
      if (peek() === ':') take(':');
      const values: Value[] = [];
      if (peek() === '[') {
        if (!spec.repeated) throw new Error(`${message}.${name} is not repeated`);
        take('[');
        while (peek() !== ']') {
          values.push(value(spec, name));
          if (peek() === ',') take(',');
        }
        take(']');
      } else values.push(value(spec, name));
      if (spec.repeated) out[name] = [...((out[name] as Value[] | undefined) ?? []), ...values];
      else {
        if (name in out) throw new Error(`${message}.${name} is given twice`);
        out[name] = values[0]!;
      }
    }
    return out;
  };
  const result = fields(type, undefined);
  if (at !== tokens.length) throw new Error(`trailing text after the message`);
  return result;
}
