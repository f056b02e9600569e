"""Torchvision's published figures for the architectures in the corpus, written down from its documentation.

Each weights page (e.g. pytorch.org/vision/stable/models/generated/torchvision.models.resnet18) lists
"num_params" and "GFLOPS"; the GFLOPS column counts multiply-accumulates, so it is compared with MACs. The
figures hold at the evaluation input size of each page (224 unless listed) and for the architecture as
published (googlenet without its auxiliary heads). Detection figures include their resize transform.
"""

# name: (GMACs as published under "GFLOPS", num_params, input size the figure is for)
_FIGURES = {
    "resnet18": (1.81, 11689512, "1x3x224x224"),
    "resnet50": (4.09, 25557032, "1x3x224x224"),
    "resnext50_32x4d": (4.23, 25028904, "1x3x224x224"),
    "wide_resnet50_2": (11.4, 68883240, "1x3x224x224"),
    "mobilenet_v2": (0.3, 3504872, "1x3x224x224"),
    "mobilenet_v3_small": (0.06, 2542856, "1x3x224x224"),
    "mobilenet_v3_large": (0.22, 5483032, "1x3x224x224"),
    "efficientnet_b0": (0.39, 5288548, "1x3x224x224"),
    "efficientnet_v2_s": (8.37, 21458488, "1x3x384x384"),
    "regnet_y_400mf": (0.4, 4344144, "1x3x224x224"),
    "convnext_tiny": (4.46, 28589128, "1x3x224x224"),
    "densenet121": (2.83, 7978856, "1x3x224x224"),
    "googlenet": (1.5, 6624904, "1x3x224x224"),
    "inception_v3": (5.71, 27161264, "1x3x299x299"),
    "squeezenet1_0": (0.82, 1248424, "1x3x224x224"),
    "shufflenet_v2_x1_0": (0.14, 2278604, "1x3x224x224"),
    "mnasnet0_5": (0.1, 2218512, "1x3x224x224"),
    "vgg11": (7.61, 132863336, "1x3x224x224"),
    "alexnet": (0.71, 61100840, "1x3x224x224"),
    "vit_b_16": (17.56, 86567656, "1x3x224x224"),
    "swin_t": (4.49, 28288354, "1x3x224x224"),
    "maxvit_t": (5.56, 30919624, "1x3x224x224"),
    "ssdlite320_mobilenet_v3_large": (0.58, 3440060, "3x320x320"),
    "fasterrcnn_mobilenet_v3_large_320_fpn": (0.72, 19386354, "3x320x320"),
    "r3d_18": (40.7, 33371472, "1x3x16x112x112"),
}

PUBLISHED = {name: {"gmacs": g, "params": p, "inputSize": size} for name, (g, p, size) in _FIGURES.items()}
