#!/usr/bin/env python3
"""Reads a MIDI file with mido (strict external parser; test tooling only) and prints JSON:
note-on count (velocity > 0), track count and names, length in seconds, key signatures (beat and
mido's name, e.g. "Gb" or "Bm"), and per-track checks (End-of-Track last, note-ons and note-offs
balanced per channel and key)."""
import json, sys
import mido

m = mido.MidiFile(sys.argv[1])
notes, problems = 0, []
for i, track in enumerate(m.tracks):
    if not track or track[-1].type != "end_of_track":
        problems.append(f"track {i}: End-of-Track is not last")
    if sum(1 for msg in track if msg.type == "end_of_track") != 1:
        problems.append(f"track {i}: End-of-Track count")
    balance = {}
    for msg in track:
        if msg.type == "note_on" and msg.velocity > 0:
            notes += 1
            balance[(msg.channel, msg.note)] = balance.get((msg.channel, msg.note), 0) + 1
        elif msg.type == "note_off" or (msg.type == "note_on" and msg.velocity == 0):
            balance[(msg.channel, msg.note)] = balance.get((msg.channel, msg.note), 0) - 1
            if balance[(msg.channel, msg.note)] < 0:
                problems.append(f"track {i}: note-off without note-on")
    if any(v != 0 for v in balance.values()):
        problems.append(f"track {i}: unbalanced notes")
keys = []
for track in m.tracks:
    tick = 0
    for msg in track:
        tick += msg.time
        if msg.type == "key_signature":
            keys.append([tick / m.ticks_per_beat, msg.key])
names = [next((msg.name for msg in t if msg.type == "track_name"), "") for t in m.tracks]
print(json.dumps({"notes": notes, "tracks": len(m.tracks), "names": names, "type": m.type,
                  "ticks_per_beat": m.ticks_per_beat, "length": m.length, "keys": sorted(keys), "problems": problems}))
