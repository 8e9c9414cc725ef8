#!/usr/bin/env python3
"""The LAPACK floor of `eigentone analyze` (benchmark tooling only).

Times nothing but the three library calls every f64 Gram route needs, on the same matrices
`eigentone analyze` reads and through the same OpenBLAS it links: dsyrk (the Gram of the narrow
side), dsytrd (tridiagonal reduction, blocked, with its workspace query) and dsterf (eigenvalues
of the tridiagonal). Two workers (one per core) take the matrices largest first, one BLAS thread
each, the way eigentone schedules them. Reading, converting to f64 and slicing happen before the
clock starts, so the time printed is a lower bound for any implementation that calls this
library for these spectra: no statistics, no fits, no I/O.

Usage: lapack_floor.py MODEL_DIR BINARY [--fused]
  Matrices: every 2-D weight; GPT-2's fused c_attn is cut into its q, k and v slices as
  eigentone's anatomy does, unless --fused (then it is one matrix, as numpy/WeightWatcher see it).
Prints "floor SECONDS MATRICES" on stdout.
"""
import concurrent.futures, ctypes, re, subprocess, sys, time
import numpy as np
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from python_routes import matrices

def openblas(binary):
    """The OpenBLAS the eigentone binary loads (from ldd), so both sides use the same kernels."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    path = re.search(r"libopenblas\S*\s+=>\s+(\S+)", out).group(1)
    lib = ctypes.CDLL(path)
    lib.openblas_set_num_threads(1)
    return lib

def solve(lib, a, m, n):
    """a: f64, Fortran order view of the row-major m×n weight as an n×m column-major matrix."""
    c_int, c_double, byref = ctypes.c_int, ctypes.c_double, ctypes.byref
    k = min(m, n)
    g = np.zeros((k, k), dtype=np.float64, order="F")
    ptr = lambda x: x.ctypes.data_as(ctypes.POINTER(c_double))
    # Row-major W (m×n) is column-major Wᵀ (n×m, lda n). m ≥ n: WᵀW = A·Aᵀ ("N"); else W·Wᵀ = Aᵀ·A ("T").
    trans, depth = (b"N", m) if m >= n else (b"T", n)
    lib.dsyrk_(b"L", trans, byref(c_int(k)), byref(c_int(depth)), byref(c_double(1.0)), ptr(a),
               byref(c_int(n)), byref(c_double(0.0)), ptr(g), byref(c_int(k)), ctypes.c_size_t(1), ctypes.c_size_t(1))
    d, e, tau = np.empty(k), np.empty(max(k - 1, 1)), np.empty(max(k - 1, 1))
    info, query = c_int(0), np.empty(1)
    lib.dsytrd_(b"L", byref(c_int(k)), ptr(g), byref(c_int(k)), ptr(d), ptr(e), ptr(tau), ptr(query),
                byref(c_int(-1)), byref(info), ctypes.c_size_t(1))
    work = np.empty(int(query[0]))
    lib.dsytrd_(b"L", byref(c_int(k)), ptr(g), byref(c_int(k)), ptr(d), ptr(e), ptr(tau), ptr(work),
                byref(c_int(len(work))), byref(info), ctypes.c_size_t(1))
    lib.dsterf_(byref(c_int(k)), ptr(d), ptr(e), byref(info))
    if info.value != 0:
        sys.exit(f"dsterf failed: info {info.value}")
    return d

def main():
    model, binary = sys.argv[1].rstrip("/"), sys.argv[2]
    fused = "--fused" in sys.argv[3:]
    lib = openblas(binary)
    jobs = []
    for name, w in matrices(model + "/model.safetensors"):
        if name.endswith("attn.c_attn.weight") and not fused:
            width = w.shape[1] // 3
            parts = [w[:, i * width:(i + 1) * width] for i in range(3)]
        else:
            parts = [w]
        for p in parts:
            m, n = p.shape
            jobs.append((m * n * min(m, n), np.ascontiguousarray(p, dtype=np.float64), m, n))
    jobs.sort(key=lambda j: -j[0])
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda j: solve(lib, j[1].T, j[2], j[3]), jobs))
    print(f"floor {time.perf_counter() - start:.3f} {len(jobs)}")

if __name__ == "__main__":
    main()
