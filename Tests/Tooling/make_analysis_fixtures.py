#!/usr/bin/env python3
"""Reference values for the analysis tests, computed by WeightWatcher itself.

Test tooling only. Needs `pip install weightwatcher==0.7.7` (it imports without torch and then
uses scipy's float64 SVD, which is its CPU path). For a set of seeded spectra it records
WeightWatcher's own results:
  - WW_powerlaw.WWFit: alpha, xmin, D, number of tail values;
  - RMT_Util.matrix_entropy and matrix_rank (from singular values and the large dimension N);
  - the Marchenko-Pastur fit of WeightWatcher.mp_fit (sigma_mp, num_spikes, mp_softrank),
    reached through the same RMT_Util functions the method calls.
Writes Tests/AnalysisTests/Fixtures/weightwatcher-reference.json.
"""
import json, logging, pathlib, io, contextlib
import numpy as np

logging.disable(logging.CRITICAL)
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    from weightwatcher.WW_powerlaw import WWFit
    from weightwatcher import RMT_Util

OUT = pathlib.Path(__file__).resolve().parent.parent / "AnalysisTests" / "Fixtures" / "weightwatcher-reference.json"
rng = np.random.default_rng(7)

def mp_fit_like_weightwatcher(evals, N, M):
    # WeightWatcher.mp_fit with rescale=True, without plotting.
    Q = N / M
    to_plot = evals.copy()
    Wscale = np.sqrt(to_plot.shape[0]) / np.sqrt(np.sum(evals))
    to_plot = (Wscale * Wscale) * to_plot
    lambda_max = np.max(to_plot)
    s1, _ = RMT_Util.fit_density_with_range(to_plot, Q, bw=0.1)
    bulk_max = (s1 * (1 + 1 / np.sqrt(Q))) ** 2
    TW = 1 / np.sqrt(Q) * np.power(bulk_max, 2 / 3) * np.power(M, -2 / 3)
    bulk_max_TW = bulk_max + np.sqrt(TW)
    num_spikes = int(np.sum(to_plot > bulk_max_TW))
    return float(s1), num_spikes, float(bulk_max / lambda_max)

cases = []
specs = [
    ("random 400x100", 400, 100, "gaussian"),
    ("random 300x300", 300, 300, "gaussian"),
    ("heavy-tailed 512x128", 512, 128, "student"),
    ("spiked 600x150", 600, 150, "spiked"),
    ("pareto tail 256x64", 256, 64, "pareto"),
]
for label, n, m, kind in specs:
    if kind == "gaussian":
        W = rng.standard_normal((n, m)) * 0.02
    elif kind == "student":
        W = rng.standard_t(2.5, size=(n, m)) * 0.02
    elif kind == "spiked":
        W = rng.standard_normal((n, m)) * 0.02
        u = rng.standard_normal((n, 3)); v = rng.standard_normal((3, m))
        W += u @ v * 0.05
    else:
        W = None
    if W is not None:
        sv = np.linalg.svd(W.astype(np.float64), compute_uv=False)
        evals = sv * sv
    else:
        # A spectrum with an exact Pareto tail: alpha_true = 2.5 above xmin = 1.
        evals = np.sort(np.concatenate([rng.uniform(0.05, 1.0, 40), (1 - rng.uniform(size=24)) ** (-1 / 1.5)]))
        sv = np.sqrt(evals)
    fit = WWFit(evals[evals > 1e-5])
    sigma_mp, spikes, softrank = mp_fit_like_weightwatcher(np.sort(evals), max(n, m), min(n, m))
    cases.append({
        "label": label, "rows": n, "cols": m,
        "eigenvalues": [float(x) for x in np.sort(evals)[::-1]],
        "alpha": float(fit.alpha), "xmin": float(fit.xmin), "D": float(fit.D),
        "num_pl_spikes": int(np.sum(evals >= fit.xmin)),
        "entropy": float(RMT_Util.matrix_entropy(np.sort(sv)[::-1], max(n, m))),
        "matrix_rank": int(RMT_Util.matrix_rank(np.sort(sv)[::-1], max(n, m))),
        "sigma_mp": sigma_mp, "num_spikes": spikes, "mp_softrank": softrank,
    })
OUT.write_text(json.dumps({"weightwatcher": "0.7.7", "cases": cases}, indent=1) + "\n")
print("wrote", OUT)
