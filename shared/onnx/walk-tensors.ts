import { messageSpec } from './schema.js';
import type { Message, ModelProto, TensorProto } from './types.js';

type Fields = Record<string, unknown> & Message;

/** Message types that can (transitively) contain a TensorProto; the walk skips the rest. */
const HOLDS_TENSORS = new Set([
  'ModelProto',
  'GraphProto',
  'NodeProto',
  'AttributeProto',
  'TrainingInfoProto',
  'FunctionProto',
  'SparseTensorProto',
  'TensorProto',
]);

function* tensorsIn(msg: Fields, type: string): Generator<TensorProto> {
  if (type === 'TensorProto') {
    yield msg as TensorProto;
    return;
  }
  for (const f of messageSpec(type).fields) {
    if (f.kind !== 'message' || !HOLDS_TENSORS.has(f.message!)) continue;
    const v = msg[f.name];
    if (v === undefined) continue;
    if (f.repeated) for (const child of v as Fields[]) yield* tensorsIn(child, f.message!);
    else yield* tensorsIn(v as Fields, f.message!);
  }
}

/** Every TensorProto in the model: initializers, Constant values, subgraphs, functions, training info. */
export function allTensors(model: ModelProto): Generator<TensorProto> {
  return tensorsIn(model as Fields, 'ModelProto');
}

function mapIn(msg: Fields, type: string, fn: (t: TensorProto) => TensorProto): Fields {
  if (type === 'TensorProto') return fn(msg as TensorProto) as Fields;
  let copy: Fields | undefined;
  for (const f of messageSpec(type).fields) {
    if (f.kind !== 'message' || !HOLDS_TENSORS.has(f.message!)) continue;
    const v = msg[f.name];
    if (v === undefined) continue;
    let next: unknown;
    if (f.repeated) {
      const list = v as Fields[];
      const mapped = list.map((child) => mapIn(child, f.message!, fn));
      next = mapped.some((m, i) => m !== list[i]) ? mapped : list;
    } else {
      next = mapIn(v as Fields, f.message!, fn);
    }
    if (next !== v) (copy ??= { ...msg })[f.name] = next;
  }
  return copy ?? msg;
}

/**
 * Returns the model with every tensor passed through `fn`. Only the messages on the path to a changed
 * tensor are copied; the input model is never modified.
 */
export function mapTensors(model: ModelProto, fn: (t: TensorProto) => TensorProto): ModelProto {
  return mapIn(model as Fields, 'ModelProto', fn) as ModelProto;
}
