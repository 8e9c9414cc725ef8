#!/usr/bin/env python3
"""Parses a MusicXML file with music21 (test tooling only) and prints JSON per part: the name,
the number of sounding notes (a tie chain counts once; each pitch of a chord counts), how many
ties start and stop (they must pair up), the number of measures, and where the time and key
signatures stand (measure number and "3/4" or the number of sharps, flats negative)."""
import json, sys, warnings
warnings.filterwarnings("ignore")
from music21 import converter

score = converter.parse(sys.argv[1], format="musicxml")
parts = []
for p in score.parts:
    pitched = unpitched = starts = stops = 0
    for n in p.recurse().notes:
        for single in (n.notes if n.isChord else [n]):
            tie = single.tie.type if single.tie else (n.tie.type if n.tie else None)
            if tie in ("start", "continue"):
                starts += 1
            if tie in ("stop", "continue"):
                stops += 1
            if tie in (None, "start"):
                if single.isNote:
                    pitched += 1
                else:
                    unpitched += 1
    parts.append({"name": p.partName, "id": p.id, "notes": pitched, "unpitched": unpitched,
                  "tie_starts": starts, "tie_stops": stops,
                  "measures": len(p.getElementsByClass("Measure")),
                  "times": [[t.measureNumber, t.ratioString] for t in p.recurse().getElementsByClass("TimeSignature")],
                  "keys": [[k.measureNumber, k.sharps] for k in p.recurse().getElementsByClass("KeySignature")]})
print(json.dumps({"parts": parts}))
