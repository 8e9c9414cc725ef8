#!/usr/bin/env python3
"""The Python baselines for benchmarks/analyze-vs-python (benchmark tooling only).

Usage: python_routes.py ROUTE MODEL_DIR
  ww-method  WeightWatcher's CPU method without WeightWatcher: scipy.linalg.svd(W.astype(float64),
             compute_uv=False) on every 2-D weight matrix, plus WeightWatcher's own power-law
             fit (WW_powerlaw.WWFit) on the eigenvalues.
  numpy      The fastest numpy route: float64 Gram of the narrow side + np.linalg.eigvalsh.
  weightwatcher  WeightWatcher itself (needs torch): analyze() on the model's state dict;
             prints JSON {name: alpha} on stdout for the alpha comparison.
Weights are read straight from model.safetensors (F32 and BF16) through a memory map.
"""
import io, json, contextlib, logging, struct, sys, time
import numpy as np

def matrices(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    base = 8 + n
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    for name, info in header.items():
        if name == "__metadata__" or len(info["shape"]) != 2 or not name.endswith("weight"):
            continue
        a, b = info["data_offsets"]
        raw = mm[base + a: base + b]
        if info["dtype"] == "F32":
            w = raw.view(np.float32).reshape(info["shape"])
        elif info["dtype"] == "BF16":
            w = (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32).reshape(info["shape"])
        else:
            continue
        yield name, w

def main():
    route, model = sys.argv[1], sys.argv[2].rstrip("/")
    path = model + "/model.safetensors"
    start = time.perf_counter()
    if route == "ww-method":
        import scipy.linalg
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            from weightwatcher.WW_powerlaw import WWFit
        for name, w in matrices(path):
            sv = scipy.linalg.svd(w.astype(np.float64), compute_uv=False)
            evals = sv * sv
            WWFit(evals[evals > 1e-5])
    elif route == "numpy":
        for name, w in matrices(path):
            w = w.astype(np.float64)
            g = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
            np.linalg.eigvalsh(g)
    elif route == "weightwatcher":
        logging.disable(logging.CRITICAL)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import torch, weightwatcher as ww
            from safetensors.torch import load_file
            state = load_file(path)
            df = ww.WeightWatcher().analyze(model=state)
        alphas = {}
        for _, row in df.iterrows():
            alphas[str(row["name"])] = float(row["alpha"])
        print(json.dumps(alphas))
    else:
        sys.exit("unknown route " + route)
    print(f"{route} {time.perf_counter() - start:.3f}", file=sys.stderr)

if __name__ == "__main__":
    main()
