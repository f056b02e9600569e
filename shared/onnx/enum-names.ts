/**
 * The enum fields of onnx.proto by message and field, with their names: JSON and the protobuf text
 * format write enums by name, the binary codec by number.
 */
export const ONNX_ENUMS: Record<string, Record<string, number>> = {
  'AttributeProto.type': {
    UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10,
    SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14,
  },
  'TensorProto.data_location': { DEFAULT: 0, EXTERNAL: 1 },
};
