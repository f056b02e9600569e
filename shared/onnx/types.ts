import type { Int64 } from './wire-reader.js';

export type { Int64 };

/**
 * Decoded ONNX messages. A field present in the file is present here, even when it holds the default
 * value, so a decoded model re-encodes to an equal message. `$unknown` holds the raw bytes of fields
 * this schema does not know; the encoder writes them back.
 */
export interface Message {
  $unknown?: Uint8Array[];
}

export interface StringStringEntryProto extends Message {
  key?: string;
  value?: string;
}

export interface OperatorSetIdProto extends Message {
  domain?: string;
  version?: Int64;
}

export interface ModelProto extends Message {
  irVersion?: Int64;
  opsetImport?: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64;
  docString?: string;
  graph?: GraphProto;
  metadataProps?: StringStringEntryProto[];
  trainingInfo?: TrainingInfoProto[];
  functions?: FunctionProto[];
  configuration?: DeviceConfigurationProto[];
}

export interface DeviceConfigurationProto extends Message {
  name?: string;
  numDevices?: number;
  device?: string[];
}

export interface TrainingInfoProto extends Message {
  initialization?: GraphProto;
  algorithm?: GraphProto;
  initializationBinding?: StringStringEntryProto[];
  updateBinding?: StringStringEntryProto[];
}

export interface TensorAnnotation extends Message {
  tensorName?: string;
  quantParameterTensorNames?: StringStringEntryProto[];
}

export interface GraphProto extends Message {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  sparseInitializer?: SparseTensorProto[];
  docString?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  quantizationAnnotation?: TensorAnnotation[];
  metadataProps?: StringStringEntryProto[];
}

export interface NodeProto extends Message {
  input?: string[];
  output?: string[];
  name?: string;
  opType?: string;
  domain?: string;
  overload?: string;
  attribute?: AttributeProto[];
  docString?: string;
  metadataProps?: StringStringEntryProto[];
  deviceConfigurations?: Message[];
}

export interface AttributeProto extends Message {
  name?: string;
  refAttrName?: string;
  docString?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  sparseTensor?: SparseTensorProto;
  tp?: TypeProto;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  sparseTensors?: SparseTensorProto[];
  typeProtos?: TypeProto[];
}

export interface ValueInfoProto extends Message {
  name?: string;
  type?: TypeProto;
  docString?: string;
  metadataProps?: StringStringEntryProto[];
}

export interface TensorProto extends Message {
  dims?: Int64[];
  dataType?: number;
  segment?: Message & { begin?: Int64; end?: Int64 };
  floatData?: Float32Array;
  int32Data?: number[];
  stringData?: Uint8Array[];
  int64Data?: Int64[];
  name?: string;
  docString?: string;
  /** A view into the file's bytes (not a copy); may be unaligned. */
  rawData?: Uint8Array;
  externalData?: StringStringEntryProto[];
  dataLocation?: number;
  doubleData?: Float64Array;
  uint64Data?: Int64[];
  metadataProps?: StringStringEntryProto[];
}

export interface SparseTensorProto extends Message {
  values?: TensorProto;
  indices?: TensorProto;
  dims?: Int64[];
}

export interface DimensionProto extends Message {
  dimValue?: Int64;
  dimParam?: string;
  denotation?: string;
}

export interface TensorShapeProto extends Message {
  dim?: DimensionProto[];
}

export interface TypeProto extends Message {
  tensorType?: Message & { elemType?: number; shape?: TensorShapeProto };
  sequenceType?: Message & { elemType?: TypeProto };
  mapType?: Message & { keyType?: number; valueType?: TypeProto };
  optionalType?: Message & { elemType?: TypeProto };
  sparseTensorType?: Message & { elemType?: number; shape?: TensorShapeProto };
  opaqueType?: Message & { domain?: string; name?: string };
  denotation?: string;
}

export interface FunctionProto extends Message {
  name?: string;
  input?: string[];
  output?: string[];
  attribute?: string[];
  attributeProto?: AttributeProto[];
  node?: NodeProto[];
  docString?: string;
  opsetImport?: OperatorSetIdProto[];
  domain?: string;
  overload?: string;
  valueInfo?: ValueInfoProto[];
  metadataProps?: StringStringEntryProto[];
}
