import type { OpChange } from '../adapter.js';

/**
 * Operators by the opset that introduced them (ONNX's docs/Changelog.md). Going below that version a node
 * of one has no equivalent, so the step refuses it. Resize (10) and ScatterElements (11) are missing on
 * purpose: they convert to Upsample and Scatter instead.
 */
const INTRODUCED: Record<number, string[]> = {
  8: ['Expand'],
  9: ['Acosh', 'Asinh', 'Atanh', 'Compress', 'ConstantOfShape', 'Cosh', 'Erf', 'EyeLike', 'IsNaN', 'MaxUnpool', 'MeanVarianceNormalization', 'NonZero', 'OneHot', 'Shrink', 'Sign', 'Sinh', 'TfIdfVectorizer', 'Where'],
  10: ['ConvInteger', 'DequantizeLinear', 'IsInf', 'MatMulInteger', 'Mod', 'NonMaxSuppression', 'QLinearConv', 'QLinearMatMul', 'QuantizeLinear', 'ReverseSequence', 'RoiAlign', 'StringNormalizer', 'ThresholdedRelu'],
  11: ['BitShift', 'ConcatFromSequence', 'CumSum', 'Det', 'DynamicQuantizeLinear', 'GatherElements', 'GatherND', 'Range', 'Round', 'ScatterND', 'SequenceAt', 'SequenceConstruct', 'SequenceEmpty', 'SequenceErase', 'SequenceInsert', 'SequenceLength', 'SplitToSequence', 'Unique'],
  12: ['Celu', 'Einsum', 'GreaterOrEqual', 'LessOrEqual', 'NegativeLogLikelihoodLoss', 'SoftmaxCrossEntropyLoss'],
  14: ['HardSwish', 'Trilu'],
  15: ['Bernoulli', 'CastLike', 'Optional', 'OptionalGetElement', 'OptionalHasElement'],
  16: ['GridSample'],
  17: ['BlackmanWindow', 'DFT', 'HammingWindow', 'HannWindow', 'LayerNormalization', 'MelWeightMatrix', 'STFT', 'SequenceMap'],
  18: ['BitwiseAnd', 'BitwiseNot', 'BitwiseOr', 'BitwiseXor', 'CenterCropPad', 'Col2Im', 'GroupNormalization', 'Mish'],
  19: ['DeformConv'],
  20: ['AffineGrid', 'Gelu', 'ImageDecoder', 'RegexFullMatch', 'StringConcat', 'StringSplit'],
};

export const INTRODUCED_OP_CHANGES: OpChange[] = Object.entries(INTRODUCED).map(([version, ops]) => ({
  ops,
  version: Number(version),
  down: (node, ctx) => ctx.refuse(node, `uses an operator that only exists from opset ${version}; keep opset ${version} or newer, or replace the node`),
}));
