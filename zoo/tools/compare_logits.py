#!/usr/bin/python3
"""Prints the largest difference between the tensors named 'output' of two safetensors files (jdnn's and PyTorch's
logits), the largest reference magnitude, and whether every row's argmax agrees. See torchvision_export.py."""
import json, struct, sys, numpy as np
def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]; h = json.loads(f.read(n)); data = f.read()
    out = {}
    for k, v in h.items():
        if k == "__metadata__": continue
        b, e = v["data_offsets"]; out[k] = np.frombuffer(data[b:e], dtype=np.float32).reshape(v["shape"])
    return out
a = read(sys.argv[1])["output"]; b = read(sys.argv[2])["output"]
print("max |diff|", np.abs(a - b).max(), "max |ref|", np.abs(b).max(), "argmax equal", (a.argmax(1) == b.argmax(1)).all())
