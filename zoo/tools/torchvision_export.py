#!/usr/bin/python3
"""Exports a torchvision model (seeded random weights, non-trivial batch-norm statistics) as a safetensors state dict,
a random input (2, 3, 224, 224) and PyTorch's output on it, for checking that jdnn loads torchvision's state dict
unchanged and computes the same logits:

    /usr/bin/python3 zoo/tools/torchvision_export.py resnet18 w.safetensors in.safetensors ref.safetensors
    ./jdnn infer resnet18 --weights w.safetensors --input in.safetensors --output out.safetensors
    /usr/bin/python3 zoo/tools/compare_logits.py out.safetensors ref.safetensors

Needs Debian's python3-torchvision (development machines only; CI does not run it). The safetensors files are
written by hand (the format is a JSON header and raw little-endian data), so the safetensors package is not needed.
"""
import json, struct, sys, torch
from torchvision import models
key, out_w, out_in, out_ref = sys.argv[1:5]
torch.manual_seed(0)
m = getattr(models, key)()
m.eval()
# Non-trivial running statistics, so that loading them is tested.
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d):
        mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5); mod.num_batches_tracked.fill_(7)
def write(path, tensors):
    header = {}; offset = 0; blobs = []
    for name, t in tensors.items():
        t = t.contiguous()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        data = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data); blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h); [f.write(b) for b in blobs]
write(out_w, m.state_dict())
x = torch.rand(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))
write(out_in, {"input": x})
with torch.no_grad():
    y = m(x)
write(out_ref, {"output": y})
print("exported", key, y.shape)
