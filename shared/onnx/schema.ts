/**
 * The ONNX protobuf schema (onnx.proto, IR version 11), written as data from the IR specification.
 * Field numbers and wire types are the format's facts. Anything not listed here is kept by the codec
 * as an unknown field and written back unchanged.
 */

export type ScalarKind = 'int32' | 'int64' | 'uint64' | 'float' | 'double' | 'bool' | 'string' | 'bytes';

export interface FieldSpec {
  readonly no: number;
  /** Property name on the decoded object: the proto field name in camelCase. */
  readonly name: string;
  /** Proto field name, for error messages. */
  readonly protoName: string;
  readonly kind: ScalarKind | 'message';
  readonly message?: string;
  readonly repeated?: boolean;
  /** Written packed (onnx.proto declares `[packed = true]`); both forms are always accepted. */
  readonly packed?: boolean;
  /** Repeated float/double decoded into a Float32Array/Float64Array instead of number[]. */
  readonly typedArray?: boolean;
  /** The spec of `message`, linked once when the schema is built (saves a lookup per message decoded). */
  messageSpec?: MessageSpec;
}

export interface MessageSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** Fields indexed by number, for decoding. */
  readonly byNumber: ReadonlyMap<number, FieldSpec>;
  /** The same for the small field numbers every message uses, as an array (faster than the map). */
  readonly byNumberDense: readonly (FieldSpec | undefined)[];
  /** Fields in number order, for encoding (the order protobuf serializers write). */
  readonly inOrder: readonly FieldSpec[];
}

type FieldRow = [no: number, protoName: string, kind: ScalarKind | string, flags?: string];

const SCALARS = new Set<string>(['int32', 'int64', 'uint64', 'float', 'double', 'bool', 'string', 'bytes']);

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function message(name: string, rows: FieldRow[]): MessageSpec {
  const fields = rows.map(([no, protoName, kind, flags = '']): FieldSpec => {
    const isScalar = SCALARS.has(kind);
    return {
      no,
      protoName,
      name: camel(protoName),
      kind: isScalar ? (kind as ScalarKind) : 'message',
      ...(isScalar ? {} : { message: kind }),
      ...(flags.includes('repeated') ? { repeated: true } : {}),
      ...(flags.includes('packed') ? { packed: true } : {}),
      ...(flags.includes('typed') ? { typedArray: true } : {}),
    };
  });
  const byNumberDense: (FieldSpec | undefined)[] = new Array<FieldSpec | undefined>(32).fill(undefined);
  for (const f of fields) if (f.no < 32) byNumberDense[f.no] = f;
  return {
    name,
    fields,
    byNumber: new Map(fields.map((f) => [f.no, f])),
    byNumberDense,
    inOrder: [...fields].sort((a, b) => a.no - b.no),
  };
}

const R = 'repeated';

// Enums are int32 on the wire; their values are in data-types.ts and attribute-types.ts.
const SPECS: MessageSpec[] = [
  message('ModelProto', [
    [1, 'ir_version', 'int64'],
    [8, 'opset_import', 'OperatorSetIdProto', R],
    [2, 'producer_name', 'string'],
    [3, 'producer_version', 'string'],
    [4, 'domain', 'string'],
    [5, 'model_version', 'int64'],
    [6, 'doc_string', 'string'],
    [7, 'graph', 'GraphProto'],
    [14, 'metadata_props', 'StringStringEntryProto', R],
    [20, 'training_info', 'TrainingInfoProto', R],
    [25, 'functions', 'FunctionProto', R],
    [26, 'configuration', 'DeviceConfigurationProto', R],
  ]),
  message('DeviceConfigurationProto', [
    [1, 'name', 'string'],
    [2, 'num_devices', 'int32'],
    [3, 'device', 'string', R],
  ]),
  message('StringStringEntryProto', [
    [1, 'key', 'string'],
    [2, 'value', 'string'],
  ]),
  message('TensorAnnotation', [
    [1, 'tensor_name', 'string'],
    [2, 'quant_parameter_tensor_names', 'StringStringEntryProto', R],
  ]),
  message('TrainingInfoProto', [
    [1, 'initialization', 'GraphProto'],
    [2, 'algorithm', 'GraphProto'],
    [3, 'initialization_binding', 'StringStringEntryProto', R],
    [4, 'update_binding', 'StringStringEntryProto', R],
  ]),
  message('GraphProto', [
    [1, 'node', 'NodeProto', R],
    [2, 'name', 'string'],
    [5, 'initializer', 'TensorProto', R],
    [15, 'sparse_initializer', 'SparseTensorProto', R],
    [10, 'doc_string', 'string'],
    [11, 'input', 'ValueInfoProto', R],
    [12, 'output', 'ValueInfoProto', R],
    [13, 'value_info', 'ValueInfoProto', R],
    [14, 'quantization_annotation', 'TensorAnnotation', R],
    [16, 'metadata_props', 'StringStringEntryProto', R],
  ]),
  message('NodeProto', [
    [1, 'input', 'string', R],
    [2, 'output', 'string', R],
    [3, 'name', 'string'],
    [4, 'op_type', 'string'],
    [7, 'domain', 'string'],
    [8, 'overload', 'string'],
    [5, 'attribute', 'AttributeProto', R],
    [6, 'doc_string', 'string'],
    [9, 'metadata_props', 'StringStringEntryProto', R],
    [10, 'device_configurations', 'NodeDeviceConfigurationProto', R],
  ]),
  message('NodeDeviceConfigurationProto', [
    [1, 'configuration_id', 'string'],
    [2, 'sharding_spec', 'ShardingSpecProto', R],
    [3, 'pipeline_stage', 'int32'],
  ]),
  message('ShardingSpecProto', [
    [1, 'tensor_name', 'string'],
    [2, 'device', 'int64', R],
    [3, 'index_to_device_group_map', 'IntIntListEntryProto', R],
    [4, 'sharded_dim', 'ShardedDimProto', R],
  ]),
  message('ShardedDimProto', [
    [1, 'axis', 'int64'],
    [2, 'simple_sharding', 'SimpleShardedDimProto', R],
  ]),
  message('SimpleShardedDimProto', [
    [1, 'dim_value', 'int64'],
    [2, 'dim_param', 'string'],
    [3, 'num_shards', 'int64'],
  ]),
  message('IntIntListEntryProto', [
    [1, 'key', 'int64'],
    [2, 'value', 'int64', R],
  ]),
  message('AttributeProto', [
    [1, 'name', 'string'],
    [21, 'ref_attr_name', 'string'],
    [13, 'doc_string', 'string'],
    [20, 'type', 'int32'],
    [2, 'f', 'float'],
    [3, 'i', 'int64'],
    [4, 's', 'bytes'],
    [5, 't', 'TensorProto'],
    [6, 'g', 'GraphProto'],
    [22, 'sparse_tensor', 'SparseTensorProto'],
    [14, 'tp', 'TypeProto'],
    [7, 'floats', 'float', R],
    [8, 'ints', 'int64', R],
    [9, 'strings', 'bytes', R],
    [10, 'tensors', 'TensorProto', R],
    [11, 'graphs', 'GraphProto', R],
    [23, 'sparse_tensors', 'SparseTensorProto', R],
    [15, 'type_protos', 'TypeProto', R],
  ]),
  message('ValueInfoProto', [
    [1, 'name', 'string'],
    [2, 'type', 'TypeProto'],
    [3, 'doc_string', 'string'],
    [4, 'metadata_props', 'StringStringEntryProto', R],
  ]),
  message('TensorProto', [
    [1, 'dims', 'int64', R],
    [2, 'data_type', 'int32'],
    [3, 'segment', 'TensorProto.Segment'],
    [4, 'float_data', 'float', `${R} packed typed`],
    [5, 'int32_data', 'int32', `${R} packed`],
    [6, 'string_data', 'bytes', R],
    [7, 'int64_data', 'int64', `${R} packed`],
    [8, 'name', 'string'],
    [12, 'doc_string', 'string'],
    [9, 'raw_data', 'bytes'],
    [13, 'external_data', 'StringStringEntryProto', R],
    [14, 'data_location', 'int32'],
    [10, 'double_data', 'double', `${R} packed typed`],
    [11, 'uint64_data', 'uint64', `${R} packed`],
    [16, 'metadata_props', 'StringStringEntryProto', R],
  ]),
  message('TensorProto.Segment', [
    [1, 'begin', 'int64'],
    [2, 'end', 'int64'],
  ]),
  message('SparseTensorProto', [
    [1, 'values', 'TensorProto'],
    [2, 'indices', 'TensorProto'],
    [3, 'dims', 'int64', R],
  ]),
  message('TensorShapeProto', [[1, 'dim', 'TensorShapeProto.Dimension', R]]),
  message('TensorShapeProto.Dimension', [
    [1, 'dim_value', 'int64'],
    [2, 'dim_param', 'string'],
    [3, 'denotation', 'string'],
  ]),
  message('TypeProto', [
    [1, 'tensor_type', 'TypeProto.Tensor'],
    [4, 'sequence_type', 'TypeProto.Sequence'],
    [5, 'map_type', 'TypeProto.Map'],
    [9, 'optional_type', 'TypeProto.Optional'],
    [8, 'sparse_tensor_type', 'TypeProto.SparseTensor'],
    [7, 'opaque_type', 'TypeProto.Opaque'],
    [6, 'denotation', 'string'],
  ]),
  message('TypeProto.Tensor', [
    [1, 'elem_type', 'int32'],
    [2, 'shape', 'TensorShapeProto'],
  ]),
  message('TypeProto.Sequence', [[1, 'elem_type', 'TypeProto']]),
  message('TypeProto.Map', [
    [1, 'key_type', 'int32'],
    [2, 'value_type', 'TypeProto'],
  ]),
  message('TypeProto.Optional', [[1, 'elem_type', 'TypeProto']]),
  message('TypeProto.SparseTensor', [
    [1, 'elem_type', 'int32'],
    [2, 'shape', 'TensorShapeProto'],
  ]),
  message('TypeProto.Opaque', [
    [1, 'domain', 'string'],
    [2, 'name', 'string'],
  ]),
  message('OperatorSetIdProto', [
    [1, 'domain', 'string'],
    [2, 'version', 'int64'],
  ]),
  message('FunctionProto', [
    [1, 'name', 'string'],
    [4, 'input', 'string', R],
    [5, 'output', 'string', R],
    [6, 'attribute', 'string', R],
    [11, 'attribute_proto', 'AttributeProto', R],
    [7, 'node', 'NodeProto', R],
    [8, 'doc_string', 'string'],
    [9, 'opset_import', 'OperatorSetIdProto', R],
    [10, 'domain', 'string'],
    [13, 'overload', 'string'],
    [12, 'value_info', 'ValueInfoProto', R],
    [14, 'metadata_props', 'StringStringEntryProto', R],
  ]),
];

export const SCHEMA: ReadonlyMap<string, MessageSpec> = new Map(SPECS.map((s) => [s.name, s]));

export function messageSpec(name: string): MessageSpec {
  const spec = SCHEMA.get(name);
  if (!spec) throw new Error(`schema has no message ${name}`);
  return spec;
}

for (const spec of SPECS) {
  for (const f of spec.fields) {
    if (!f.message) continue;
    const target = SCHEMA.get(f.message);
    if (!target) throw new Error(`${spec.name}.${f.protoName} names unknown ${f.message}`);
    f.messageSpec = target;
  }
}
