#!/usr/bin/env python3
"""Test tooling only: writes malformed score files into a folder, for the readers' error tests.

  truncated.mxl   a real .mxl cut in half
  bomb.mxl        a container whose score inflates to 512 MiB of zeros, its headers claiming 900 bytes
  escape.mxl      a container whose entry path leaves the archive root (../../escape.xml)
  broken.xml      MusicXML with an unclosed element
  timewise.xml    a score-timewise document
  spines.krn      kern whose data line has 3 tokens for 2 spines
  badtoken.krn    kern with an unreadable token
  rejected.abc    ABC whose only tune abc2midi rejects (no valid K: field)
  notes.mid       not a MIDI file
Prints {"folder": ...}."""
import json, os, struct, sys, zlib

out = sys.argv[1]
source_mxl = sys.argv[2]
os.makedirs(out, exist_ok=True)


def zip_bytes(entries):
    """A zip archive by hand: entries are (name, data, compress, claimed_size or None)."""
    body, central = b"", b""
    for name, data, compress, claimed in entries:
        raw = name.encode()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        if compress:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
            method = 8
        else:
            payload, method = data, 0
        size = len(data) if claimed is None else claimed
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(payload), size, len(raw), 0) + raw + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc, len(payload), size, len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    return body + central + end


container = b'<?xml version="1.0"?><container><rootfiles><rootfile full-path="score.xml"/></rootfiles></container>'
with open(source_mxl, "rb") as f:
    real = f.read()
files = {
    "truncated.mxl": real[: len(real) // 2],
    "bomb.mxl": zip_bytes([("META-INF/container.xml", container, False, None), ("score.xml", b"\0" * (512 << 20), True, 900)]),
    "escape.mxl": zip_bytes([("META-INF/container.xml", container, False, None), ("../../escape.xml", b"<score-partwise/>", False, None)]),
    "broken.xml": b'<?xml version="1.0"?>\n<score-partwise>\n<part-list>\n<score-part id="P1"><part-name>x</part-name>\n</part-list>\n',
    "timewise.xml": b'<?xml version="1.0"?>\n<score-timewise version="4.0"><part-list/></score-timewise>\n',
    "spines.krn": b"**kern\t**kern\n*M4/4\t*M4/4\n4c\t4e\n4d\t4f\t4g\n*-\t*-\n",
    "badtoken.krn": b"**kern\n4c\nxyz\n*-\n",
    "rejected.abc": b"X:1\nT:rejected\nM:4/4\nK:Xyz\nC D E F |]\n",
    "notes.mid": b"MThd this is not a MIDI file",
}
for name, data in files.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(json.dumps({"folder": out}))
