#!/usr/bin/env python3
"""Checks `eigentone analyze --csv` against the same portrait's JSON (test tooling only).

Usage: check_csv.py PORTRAIT.csv PORTRAIT.json
Reads the CSV with Python's csv module in strict mode (RFC 4180 quoting) and prints JSON: the
header, the row count, the number of tensors in the JSON, every field that differs from the
JSON value of the same matrix (numbers must read back to the identical float, an empty field
must be a JSON null or absent, at most 10 listed), and whether the rows run in layer order (model-level
first, then layers ascending)."""
import csv, json, sys

with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f, strict=True))
portrait = json.load(open(sys.argv[2]))
header, body = rows[0], rows[1:]
by_name = {t["name"]: t for t in portrait["tensors"]}
mismatches = []
for row in body:
    record = dict(zip(header, row))
    t = by_name.get(record["name"])
    if t is None:
        mismatches.append(f"{record['name']}: not in the JSON")
        continue
    expected = dict(t, rows=t["shape"][0], cols=t["shape"][-1])
    for column, text in record.items():
        value = expected.get(column)  # the JSON leaves null fields out
        if value is None:
            ok = text == ""
        elif isinstance(value, bool):
            ok = text == ("true" if value else "false")
        elif isinstance(value, (int, float)):
            ok = text != "" and float(text) == float(value)
        else:
            ok = text == value
        if not ok:
            mismatches.append(f"{record['name']}.{column}: csv {text!r} json {value!r}")
layers = [-1 if r[header.index("layer")] == "" else int(r[header.index("layer")]) for r in body]
print(json.dumps({"header": header, "rows": len(body), "tensors": len(portrait["tensors"]),
                  "mismatches": mismatches[:10], "mismatch_count": len(mismatches),
                  "layer_order": layers == sorted(layers)}))
