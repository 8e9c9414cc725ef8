#!/usr/bin/env python3
"""Test tooling only: music21's parse of score files, as notes on a grid, for the reader tests.

Usage: music21_notes.py GRID FILE[#TUNE] ...
Prints one JSON object: {"FILE[#TUNE]": [[pitch, onset, end], ...] | {"error": "..."}, ...}
with onset and end in grid steps (GRID per quarter note, halves rounded up), every pitched note of every
part at sounding pitch, tied notes merged (stripTies), grace notes and chord symbols left out,
sorted."""
import json, math, sys, warnings

warnings.filterwarnings("ignore")


def half_up(x):
    # Halves round up, as Swift's rounded() does for the non-negative times here (Python's
    # round() rounds halves to even).
    return int(math.floor(x + 0.5))


def notes(arg):
    from music21 import converter, harmony
    grid = GRID
    path, _, tune = arg.partition("#")
    try:
        s = converter.parse(path, number=int(tune)) if tune else converter.parse(path)
        if hasattr(s, "scores") and not hasattr(s, "parts"):
            s = s.scores[0]
        s = s.toSoundingPitch()
        s = s.stripTies()
        out = []
        for n in s.recurse().notes:
            if isinstance(n, harmony.ChordSymbol) or n.duration.isGrace or n.quarterLength == 0:
                continue
            onset = float(n.getOffsetInHierarchy(s))
            end = onset + float(n.quarterLength)
            pitches = n.pitches
            for p in pitches:
                out.append([int(round(p.ps)), half_up(onset * grid), half_up(end * grid)])
        out.sort()
        return arg, out
    except Exception as e:  # reported, compared as a failure by the test
        return arg, {"error": f"{type(e).__name__}: {e}"}


GRID = int(sys.argv[1])
print(json.dumps(dict(notes(a) for a in sys.argv[2:])))
