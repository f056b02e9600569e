import type { DeployPrecision } from './trtexec-command.js';
import type { ModelInput, ShapeRange } from './shape-ranges.js';

/** Triton's data type names for ONNX element type names (as typeString writes them). */
const TRITON_TYPES: Record<string, string> = {
  float32: 'TYPE_FP32',
  float16: 'TYPE_FP16',
  bfloat16: 'TYPE_BF16',
  float64: 'TYPE_FP64',
  int8: 'TYPE_INT8',
  int16: 'TYPE_INT16',
  int32: 'TYPE_INT32',
  int64: 'TYPE_INT64',
  uint8: 'TYPE_UINT8',
  uint16: 'TYPE_UINT16',
  uint32: 'TYPE_UINT32',
  uint64: 'TYPE_UINT64',
  bool: 'TYPE_BOOL',
  string: 'TYPE_STRING',
};

export interface TritonConfigOptions {
  readonly name: string;
  readonly inputs: readonly ModelInput[];
  readonly outputs: readonly ModelInput[];
  readonly shapes: ReadonlyMap<string, ShapeRange>;
  readonly instance: 'cpu' | 'gpu';
  /** Run through ONNX Runtime's TensorRT execution accelerator (GPU only), at this precision. */
  readonly tensorrt?: DeployPrecision;
}

export interface TritonLayout {
  /** 0 when the batch axis is fixed (or absent): Triton then passes full shapes. */
  readonly maxBatchSize: number;
  readonly preferredBatchSizes: number[];
}

/**
 * Whether every input and output shares a dynamic axis 0 (Triton's batch): then max_batch_size is the
 * largest batch the ranges allow and dims leave the batch out.
 */
export function tritonLayout(o: TritonConfigOptions): TritonLayout {
  const all = [...o.inputs, ...o.outputs];
  const batched = all.length > 0 && all.every((v) => v.shape !== null && v.shape.length > 0 && typeof v.shape[0] !== 'number');
  if (!batched) return { maxBatchSize: 0, preferredBatchSizes: [] };
  const max = Math.min(...o.inputs.map((i) => o.shapes.get(i.name)?.max[0] ?? 1));
  const opt = Math.min(max, ...o.inputs.map((i) => o.shapes.get(i.name)?.opt[0] ?? 1));
  const preferred = [...new Set([opt, max])].filter((b) => b > 1);
  return { maxBatchSize: max, preferredBatchSizes: preferred };
}

/** A protobuf text-format string literal (C escapes; JSON's \u escapes are not text format). */
function pbString(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out + '"';
}

function tritonType(v: ModelInput): string {
  const t = TRITON_TYPES[v.type];
  if (!t) throw new Error(`'${v.name}' is of type ${v.type}, which Triton's ONNX Runtime backend cannot pass`);
  return t;
}

function tensorEntry(v: ModelInput, batched: boolean): string {
  const dims = (v.shape ?? []).slice(batched ? 1 : 0).map((d) => (typeof d === 'number' ? d : -1));
  return `  {\n    name: ${pbString(v.name)}\n    data_type: ${tritonType(v)}\n    dims: [ ${dims.join(', ')} ]\n  }`;
}

/** config.pbtxt for the model in Triton's model repository (protobuf text format of ModelConfig). */
export function tritonConfig(o: TritonConfigOptions): string {
  if (!/^[\w.-]+$/.test(o.name)) throw new Error(`model name '${o.name}' must use letters, digits, '_', '-' or '.' to name a Triton model folder`);
  if (o.tensorrt && o.instance !== 'gpu') throw new Error('the TensorRT accelerator runs on GPU instances only; pass --instance gpu');
  const layout = tritonLayout(o);
  const batched = layout.maxBatchSize > 0;
  const lines = [
    `name: ${pbString(o.name)}`,
    'platform: "onnxruntime_onnx"',
    `max_batch_size: ${layout.maxBatchSize}`,
    `input [\n${o.inputs.map((v) => tensorEntry(v, batched)).join(',\n')}\n]`,
    `output [\n${o.outputs.map((v) => tensorEntry(v, batched)).join(',\n')}\n]`,
  ];
  if (batched) {
    const preferred = layout.preferredBatchSizes.length ? `\n  preferred_batch_size: [ ${layout.preferredBatchSizes.join(', ')} ]\n` : ' ';
    lines.push(`dynamic_batching {${preferred}}`);
  }
  lines.push(`instance_group [\n  {\n    count: 1\n    kind: ${o.instance === 'gpu' ? 'KIND_GPU' : 'KIND_CPU'}\n  }\n]`);
  if (o.tensorrt) {
    const mode = o.tensorrt === 'fp32' ? 'FP32' : o.tensorrt === 'fp16' ? 'FP16' : 'INT8';
    lines.push(
      `optimization {\n  execution_accelerators {\n    gpu_execution_accelerator: [\n      {\n        name: "tensorrt"\n        parameters { key: "precision_mode" value: "${mode}" }\n      }\n    ]\n  }\n}`,
    );
  }
  return lines.join('\n') + '\n';
}
