"""ONNX Runtime's own static INT8 quantization of a model on .npy calibration tensors, and top-1 on
.npy eval/<class>/ tensors, for comparison with `onnx-studio quantize` on the same tensors.

Usage: /tmp/ort/bin/python scripts/quant-parity/ort-quantize.py MODEL TENSOR_DIR OUT.onnx
       [--method entropy|minmax|percentile] [--per-channel] [--dynamic]
TENSOR_DIR holds calib/*.npy and eval/<class>/*.npy (scripts/quant-parity/export-tensors.mjs writes them).
Prints JSON: fp32 and int8 top-1 measured by ONNX Runtime.
"""
import argparse
import json
import os

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType,
                                      quantize_dynamic, quantize_static)


class NpyReader(CalibrationDataReader):
    def __init__(self, folder, input_name):
        self.files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith('.npy'))
        self.input_name = input_name
        self.at = 0

    def get_next(self):
        if self.at >= len(self.files):
            return None
        self.at += 1
        return {self.input_name: np.load(self.files[self.at - 1])}


def top1(model_path, eval_dir):
    session = ort.InferenceSession(model_path, providers=['CPUExecutionProvider'])
    name = session.get_inputs()[0].name
    classes = sorted(d for d in os.listdir(eval_dir) if os.path.isdir(os.path.join(eval_dir, d)))
    hits = total = 0
    for label, cls in enumerate(classes):
        folder = os.path.join(eval_dir, cls)
        for f in sorted(os.listdir(folder)):
            scores = session.run(None, {name: np.load(os.path.join(folder, f))})[0].reshape(-1)
            hits += int(np.argmax(scores) == label)
            total += 1
    return hits / total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('model')
    parser.add_argument('tensors')
    parser.add_argument('out')
    parser.add_argument('--method', default='entropy', choices=['entropy', 'minmax', 'percentile'])
    parser.add_argument('--per-channel', action='store_true')
    parser.add_argument('--dynamic', action='store_true')
    args = parser.parse_args()
    if args.dynamic:
        quantize_dynamic(args.model, args.out, weight_type=QuantType.QUInt8)
    else:
        input_name = ort.InferenceSession(args.model, providers=['CPUExecutionProvider']).get_inputs()[0].name
        method = {'entropy': CalibrationMethod.Entropy, 'minmax': CalibrationMethod.MinMax,
                  'percentile': CalibrationMethod.Percentile}[args.method]
        quantize_static(args.model, args.out, NpyReader(os.path.join(args.tensors, 'calib'), input_name),
                        quant_format=QuantFormat.QDQ, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        per_channel=args.per_channel, calibrate_method=method)
    eval_dir = os.path.join(args.tensors, 'eval')
    print(json.dumps({'fp32Top1': top1(args.model, eval_dir), 'int8Top1': top1(args.out, eval_dir)}))


if __name__ == '__main__':
    main()
