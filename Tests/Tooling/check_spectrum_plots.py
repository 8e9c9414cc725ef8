#!/usr/bin/env python3
"""Checks spectrum SVGs against portrait JSON (test tooling only): those of
`eigentone analyze --plots DIR` (one series per plot) and `eigentone compare --plots DIR` (two).

Usage: check_spectrum_plots.py DIR PORTRAIT.json [PORTRAIT_B.json]
Every `*.svg` must parse as XML. Series k (`<g class="series" data-series="k" data-name=…>`) is
checked against the k-th JSON's matrix of that name: from its singular values and numpy, the
density of λ = σ² (λ > 1e-5) in 40 bins of equal width in log10 λ, empty bins dropped; the
plotted circles, mapped back to data through the plot group's data-log-x/y ranges and the fixed
plot area (64…464 × 40…272 px), must sit at those bins' geometric centres and densities; the
fit line must have slope −alpha in log–log space and start at xmin; the xmin line must stand at
xmin. Prints JSON: files, svgs, series checked, series per plot (sorted), failures (first 10),
worst errors in decades."""
import glob, json, math, os, sys, xml.etree.ElementTree as ET
import numpy as np

NS = "{http://www.w3.org/2000/svg}"
LEFT, RIGHT, TOP, BOTTOM, BINS = 64.0, 464.0, 40.0, 272.0, 40
folder = sys.argv[1]
portraits = [{t["name"]: t for t in json.load(open(p))["tensors"]} for p in sys.argv[2:]]
svgs = sorted(glob.glob(os.path.join(folder, "*.svg")))
failures, worst, checked, per_plot = [], {"points": 0.0, "slope": 0.0, "xmin": 0.0}, 0, set()


def check(group, t, to_x, to_y, label):
    global checked
    lam = np.array(t["singular_values"], dtype=np.float64) ** 2
    lam = np.sort(lam[(lam > 1e-5) & np.isfinite(lam)])
    if len(lam) == 0:
        return
    a = math.log10(lam[0])
    b = math.log10(lam[-1]) if lam[-1] > lam[0] else a + 1
    step = (b - a) / BINS
    counts = np.bincount(np.clip(((np.log10(lam) - a) / step).astype(int), 0, BINS - 1), minlength=BINS)
    expected = []
    for k in np.nonzero(counts)[0]:
        lo, hi = 10 ** (a + k * step), 10 ** (a + (k + 1) * step)
        expected.append((math.log10(math.sqrt(lo * hi)), math.log10(counts[k] / (len(lam) * (hi - lo)))))
    circles = [(to_x(float(c.get("cx"))), to_y(float(c.get("cy")))) for c in group.iter(NS + "circle")]
    if len(circles) != len(expected):
        failures.append(f"{label}: {len(circles)} points, expected {len(expected)}")
    else:
        err = max(max(abs(p[0] - e[0]), abs(p[1] - e[1])) for p, e in zip(circles, expected))
        worst["points"] = max(worst["points"], err)
        if err > 1e-3:
            failures.append(f"{label}: points off by {err} decades")
    lines = {l.get("class"): l for l in group.iter(NS + "line")}
    if t.get("alpha") is not None and t.get("xmin") is not None and lam[-1] > t["xmin"]:
        if "fit" not in lines or "xmin" not in lines:
            failures.append(f"{label}: fit or xmin line missing")
        else:
            l = lines["fit"]
            fx1, fy1 = to_x(float(l.get("x1"))), to_y(float(l.get("y1")))
            fx2, fy2 = to_x(float(l.get("x2"))), to_y(float(l.get("y2")))
            slope = (fy2 - fy1) / (fx2 - fx1)
            worst["slope"] = max(worst["slope"], abs(slope + t["alpha"]))
            if abs(slope + t["alpha"]) > 5e-3 * max(1, t["alpha"]):
                failures.append(f"{label}: fit slope {slope}, alpha {t['alpha']}")
            target = math.log10(t["xmin"])
            err = max(abs(to_x(float(lines["xmin"].get("x1"))) - target), abs(fx1 - target))
            worst["xmin"] = max(worst["xmin"], err)
            if err > 1e-3:
                failures.append(f"{label}: xmin {err} decades off")
    checked += 1


for path in svgs:
    root = ET.parse(path).getroot()
    plot = root.find(NS + "g")
    groups = [g for g in plot.iter(NS + "g") if g.get("class") == "series"]
    per_plot.add(len(groups))
    if "data-log-x" not in plot.attrib:
        continue  # no eigenvalues to plot
    x0, x1 = map(float, plot.attrib["data-log-x"].split())
    y0, y1 = map(float, plot.attrib["data-log-y"].split())
    to_x = lambda px: x0 + (px - LEFT) / (RIGHT - LEFT) * (x1 - x0)
    to_y = lambda py: y0 + (BOTTOM - py) / (BOTTOM - TOP) * (y1 - y0)
    for group in groups:
        k, name = int(group.get("data-series")), group.get("data-name")
        t = portraits[k].get(name) if k < len(portraits) else None
        if t is None:
            failures.append(f"{path}: series {k}: unknown matrix {name!r}")
            continue
        check(group, t, to_x, to_y, f"{os.path.basename(path)}[{k}] {name}")

print(json.dumps({"files": len(os.listdir(folder)), "svgs": len(svgs), "checked": checked,
                  "series_per_plot": sorted(per_plot), "failures": failures[:10],
                  "failure_count": len(failures), "worst": worst}))
