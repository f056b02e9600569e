#!/usr/bin/python3
"""Exports standard architectures to ONNX for benchmarks and local checks (random weights).

Needs Debian's python3-torch and python3-torchvision (too heavy for CI). Usage:
    /usr/bin/python3 scripts/export-torchvision.py OUT_DIR [resnet18 resnet50 mobilenet_v2 transformer transformer:N]
"""
import os
import sys

import torch
import torchvision


def export_vision(name, out_dir):
    model = getattr(torchvision.models, name)(weights=None).eval()
    path = os.path.join(out_dir, f"{name}.onnx")
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13,
                      input_names=["input"], output_names=["logits"])
    return path


def export_transformer(out_dir, layers=192):
    """nn.TransformerEncoder with many layers: about 25,000 nodes at opset 14 (the viewer's stress test)."""
    layer = torch.nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False).eval()
    path = os.path.join(out_dir, f"transformer-{layers}.onnx")
    torch.onnx.export(model, torch.randn(1, 16, 64), path, opset_version=14, input_names=["x"], output_names=["y"])
    return path


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    names = sys.argv[2:] or ["resnet18", "resnet50", "mobilenet_v2", "transformer"]
    torch.manual_seed(0)
    for name in names:
        # "transformer" is the 192-layer encoder; "transformer:N" picks another depth.
        if name.startswith("transformer"):
            layers = int(name.split(":")[1]) if ":" in name else 192
            path = export_transformer(out_dir, layers)
        else:
            path = export_vision(name, out_dir)
        print(path, flush=True)


if __name__ == "__main__":
    main()
