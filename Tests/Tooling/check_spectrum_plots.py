#!/usr/bin/env python3
"""Checks the SVGs of `eigentone analyze --plots DIR` against the portrait's JSON (test tooling).

Usage: check_spectrum_plots.py DIR PORTRAIT.json
Every `*.svg` must parse as XML. For each matrix, from its singular values in the JSON and
numpy: the density of λ = σ² (λ > 1e-5) in 40 bins of equal width in log10 λ, empty bins
dropped; the plotted circles, mapped back to data through the plot group's data-log-x/y
ranges and the fixed plot area (64…464 × 40…272 px), must sit at those bins' geometric
centres and densities; the red fit line must have slope −alpha in log–log space and start at
xmin; the xmin line must stand at xmin. Prints JSON: files, svgs, matrices checked, failures
(first 10), worst errors in decades."""
import glob, json, math, os, sys, xml.etree.ElementTree as ET
import numpy as np

NS = "{http://www.w3.org/2000/svg}"
LEFT, RIGHT, TOP, BOTTOM, BINS = 64.0, 464.0, 40.0, 272.0, 40
folder, portrait = sys.argv[1], json.load(open(sys.argv[2]))
by_name = {t["name"]: t for t in portrait["tensors"]}
svgs = sorted(glob.glob(os.path.join(folder, "*.svg")))
failures, worst, checked = [], {"points": 0.0, "slope": 0.0, "xmin": 0.0}, 0
for path in svgs:
    root = ET.parse(path).getroot()
    name = root.find(NS + "title").text
    t = by_name.get(name)
    if t is None:
        failures.append(f"{path}: unknown matrix {name!r}")
        continue
    group = root.find(NS + "g")
    if "data-log-x" not in group.attrib:
        continue  # no eigenvalues to plot
    x0, x1 = map(float, group.attrib["data-log-x"].split())
    y0, y1 = map(float, group.attrib["data-log-y"].split())
    to_x = lambda px: x0 + (px - LEFT) / (RIGHT - LEFT) * (x1 - x0)
    to_y = lambda py: y0 + (BOTTOM - py) / (BOTTOM - TOP) * (y1 - y0)
    lam = np.array(t["singular_values"], dtype=np.float64) ** 2
    lam = np.sort(lam[(lam > 1e-5) & np.isfinite(lam)])
    a, b = math.log10(lam[0]), math.log10(lam[-1]) if lam[-1] > lam[0] else math.log10(lam[0]) + 1
    step = (b - a) / BINS
    idx = np.clip(((np.log10(lam) - a) / step).astype(int), 0, BINS - 1)
    counts = np.bincount(idx, minlength=BINS)
    expected = []
    for k in np.nonzero(counts)[0]:
        lo, hi = 10 ** (a + k * step), 10 ** (a + (k + 1) * step)
        expected.append((math.log10(math.sqrt(lo * hi)), math.log10(counts[k] / (len(lam) * (hi - lo)))))
    circles = [(to_x(float(c.get("cx"))), to_y(float(c.get("cy")))) for c in group.iter(NS + "circle")]
    if len(circles) != len(expected):
        failures.append(f"{name}: {len(circles)} points, expected {len(expected)}")
    else:
        err = max(max(abs(p[0] - e[0]), abs(p[1] - e[1])) for p, e in zip(circles, expected))
        worst["points"] = max(worst["points"], err)
        if err > 1e-3:
            failures.append(f"{name}: points off by {err} decades")
    fit = [l for l in group.iter(NS + "line") if l.get("class") == "fit"]
    if t.get("alpha") is not None and t.get("xmin") is not None and lam[-1] > t["xmin"]:
        if len(fit) != 1:
            failures.append(f"{name}: {len(fit)} fit lines")
        else:
            l = fit[0]
            fx1, fy1, fx2, fy2 = (to_x(float(l.get("x1"))), to_y(float(l.get("y1"))), to_x(float(l.get("x2"))), to_y(float(l.get("y2"))))
            slope = (fy2 - fy1) / (fx2 - fx1)
            worst["slope"] = max(worst["slope"], abs(slope + t["alpha"]))
            if abs(slope + t["alpha"]) > 5e-3 * max(1, t["alpha"]):
                failures.append(f"{name}: fit slope {slope}, alpha {t['alpha']}")
            xm = [l for l in group.iter(NS + "line") if l.get("class") == "xmin"]
            err = abs(to_x(float(xm[0].get("x1"))) - math.log10(t["xmin"])) if xm else 1
            worst["xmin"] = max(worst["xmin"], err, abs(fx1 - math.log10(t["xmin"])))
            if err > 1e-3 or abs(fx1 - math.log10(t["xmin"])) > 1e-3:
                failures.append(f"{name}: xmin at {err} decades off")
    checked += 1
print(json.dumps({"files": len(os.listdir(folder)), "svgs": len(svgs), "checked": checked,
                  "failures": failures[:10], "failure_count": len(failures), "worst": worst}))
