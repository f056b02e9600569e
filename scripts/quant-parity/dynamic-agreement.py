"""Cosine and top-1 agreement of INT8 dynamic models against the FP32 model, all run by ONNX Runtime on
the same seeded random inputs (for models without a labelled data set, such as torchvision exports).

Usage: /tmp/ort/bin/python scripts/quant-parity/dynamic-agreement.py FP32.onnx VARIANT.onnx... [--samples N]
Prints JSON: for each variant, mean cosine of the first output and top-1 agreement with FP32.
"""
import argparse
import json

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('reference')
    parser.add_argument('variants', nargs='+')
    parser.add_argument('--samples', type=int, default=8)
    args = parser.parse_args()
    sessions = [ort.InferenceSession(p, providers=['CPUExecutionProvider']) for p in [args.reference, *args.variants]]
    inp = sessions[0].get_inputs()[0]
    shape = [d if isinstance(d, int) else 1 for d in inp.shape]
    rng = np.random.default_rng(0)
    cos = [[] for _ in args.variants]
    agree = [0 for _ in args.variants]
    for _ in range(args.samples):
        x = rng.standard_normal(shape).astype(np.float32)
        ref = sessions[0].run(None, {inp.name: x})[0].reshape(-1).astype(np.float64)
        for k, s in enumerate(sessions[1:]):
            out = s.run(None, {s.get_inputs()[0].name: x})[0].reshape(-1).astype(np.float64)
            cos[k].append(float(ref @ out / (np.linalg.norm(ref) * np.linalg.norm(out))))
            agree[k] += int(np.argmax(ref) == np.argmax(out))
    print(json.dumps({p: {'cosine': float(np.mean(c)), 'agreementTop1': a / args.samples} for p, c, a in zip(args.variants, cos, agree)}, indent=1))


if __name__ == '__main__':
    main()
