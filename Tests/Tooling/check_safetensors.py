#!/usr/bin/env python3
"""Opens a converted safetensors file with the reference `safetensors` package (which validates
the header as the format's authors do) and compares every floating-point tensor with the
original: prints JSON {tensor: {"dtype", "max_abs_error", "max_abs_value", "row_bound"}}.
BF16 is decoded by hand (numpy has no bfloat16). Test tooling only."""
import json, struct, sys
import numpy as np
from safetensors import safe_open

converted, original = sys.argv[1], sys.argv[2]

def raw(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        return header, 8 + n

header, base = raw(converted)
data = np.memmap(converted, dtype=np.uint8, mode="r")
out = {}
with safe_open(converted, framework="numpy") as fc, safe_open(original, framework="numpy") as fo:
    assert set(fc.keys()) == set(fo.keys()), "names differ"
    meta = fc.metadata()
    for name in fc.keys():
        info = header[name]
        ref = fo.get_tensor(name)
        if ref.dtype.kind != "f":
            continue
        if info["dtype"] == "BF16":
            a, b = info["data_offsets"]
            bits = data[base + a: base + b].view(np.uint16).astype(np.uint32) << 16
            x = bits.view(np.float32).reshape(info["shape"])
        else:
            x = fc.get_tensor(name)
        ref = ref.astype(np.float64)
        err = np.abs(x.astype(np.float64) - ref)
        rows = ref.reshape(ref.shape[0], -1) if ref.ndim >= 2 else ref.reshape(1, -1)
        row_err = err.reshape(rows.shape)
        # Worst error relative to its row's largest magnitude (the int8 bound is 1/254).
        peaks = np.abs(rows).max(axis=1)
        peaks[peaks == 0] = 1
        rel_row = float((row_err.max(axis=1) / peaks).max())
        rel = float((err / np.maximum(np.abs(ref), 1e-30))[np.abs(ref) > 1e-4].max()) if (np.abs(ref) > 1e-4).any() else 0.0
        out[name] = {"dtype": info["dtype"], "max_row_relative_error": rel_row, "max_relative_error": rel}
print(json.dumps({"tensors": out, "metadata": meta}))
