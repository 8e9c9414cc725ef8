#!/usr/bin/env python3
"""Decodes a palette PNG with Python's zlib and struct only (test tooling): checks every CRC,
inflates IDAT, removes the filter bytes (type 0 only), and prints width, height, palette size
and a checksum of the pixels (h = (h * 31 + p) mod 1e9+7, row-major).

usage: check_png.py FILE"""
import json, struct, sys, zlib

data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG signature")
pos, chunks = 8, []
while pos < len(data):
    (n,) = struct.unpack(">I", data[pos:pos + 4])
    kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
    (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
    if zlib.crc32(kind + body) != crc:
        sys.exit(f"bad CRC in {kind!r}")
    chunks.append((kind, body))
    pos += 12 + n
w, h, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
if chunks[0][0] != b"IHDR" or depth != 8 or colour != 3:
    sys.exit("expected an 8-bit palette image")
palette = [c for k, c in chunks if k == b"PLTE"][0]
raw = zlib.decompress(b"".join(c for k, c in chunks if k == b"IDAT"))
if len(raw) != h * (w + 1):
    sys.exit("wrong decompressed size")
check = 0
for r in range(h):
    row = raw[r * (w + 1):(r + 1) * (w + 1)]
    if row[0] != 0:
        sys.exit("unexpected filter type")
    for p in row[1:]:
        check = (check * 31 + p) % 1000000007
print(json.dumps({"width": w, "height": h, "palette": len(palette) // 3, "pixel_checksum": check}))
