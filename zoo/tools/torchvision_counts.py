#!/usr/bin/python3
"""Prints the reference figures the zoo's exactness tests hard-code: for every torchvision model jdnn builds, the
trainable parameters with 1000 classes and the multiply-accumulates of its conv and linear layers (groups included)
for one image at its native resolution, counted with forward hooks.

Run on a development machine with Debian's python3-torchvision (0.14.1 here):
    apt-get install python3-torchvision && /usr/bin/python3 zoo/tools/torchvision_counts.py
CI never runs it; the tests carry its output.
"""
import torch
from torchvision import models

NATIVE = {"efficientnet_b0": 224, "efficientnet_b1": 240, "efficientnet_b2": 260, "efficientnet_b3": 300,
          "efficientnet_b4": 380, "efficientnet_b5": 456, "efficientnet_b6": 528, "efficientnet_b7": 600}
KEYS = ["alexnet", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn", "googlenet",
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "wide_resnet50_2",
        "densenet121", "densenet169", "densenet201", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
        "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "squeezenet1_0", "squeezenet1_1"] + sorted(NATIVE)


def macs(model, size):
    total = [0]

    def conv(module, inputs, output):
        k = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        total[0] += output.numel() * k

    def linear(module, inputs, output):
        total[0] += output.numel() * module.in_features

    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(conv)
        elif isinstance(m, torch.nn.Linear):
            m.register_forward_hook(linear)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    return total[0]


for key in KEYS:
    kwargs = {"aux_logits": False, "init_weights": False} if key == "googlenet" else {}
    model = getattr(models, key)(**kwargs)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    size = NATIVE.get(key, 224)
    print(f"{key}\t{size}\t{params}\t{macs(model, size)}")
