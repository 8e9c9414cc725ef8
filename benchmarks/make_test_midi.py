#!/usr/bin/env python3
"""Writes a 3-minute, 10-part General MIDI test score (180.0 s at 124 BPM) with mido:
drums, bass, an acid line (GM 38, the built-in TB-303), piano chords, string and choir pads, brass stabs,
a square lead, a voice lead and harp arpeggios. Benchmark tooling only.
Usage: make_test_midi.py OUT.mid"""
import sys
import mido

TPQ, BPM = 480, 124
bars = int(180 * BPM / 60 / 4)  # 93 bars = 180 s
mid = mido.MidiFile(type=1, ticks_per_beat=TPQ)
conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(BPM), time=0)])
mid.tracks.append(conductor)

def track(name, channel, program, events):
    t = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
    if channel != 9:
        t.append(mido.Message("program_change", channel=channel, program=program, time=0))
    for cc, v in ((7, 100), (10, 64), (91, 40)):
        t.append(mido.Message("control_change", channel=channel, control=cc, value=v, time=0))
    absolute = []
    for start, length, note, vel in events:
        absolute.append((start, 1, mido.Message("note_on", channel=channel, note=note, velocity=vel)))
        absolute.append((start + length, 0, mido.Message("note_off", channel=channel, note=note, velocity=0)))
    absolute.sort(key=lambda e: (e[0], e[1]))
    now = 0
    for tick, _, msg in absolute:
        msg.time = tick - now
        now = tick
        t.append(msg)
    mid.tracks.append(t)

beat, bar = TPQ, 4 * TPQ
scale = [0, 2, 3, 5, 7, 8, 10]
drums, bass, acid, piano, strings, choir, brass, lead, voice, harp = ([] for _ in range(10))
for b in range(bars):
    s = b * bar
    root = 45 + scale[b % 7]
    for k in range(4):
        drums.append((s + k * beat, 60, 36, 110))
        if k % 2 == 1: drums.append((s + k * beat, 60, 38, 100))
    for k in range(16): drums.append((s + k * beat // 4, 30, 42, 60 + (k % 4 == 0) * 20))
    for k in range(8): bass.append((s + k * beat // 2, beat // 2 - 20, root - 12 + (k % 2) * 12, 95))
    for k in range(16): acid.append((s + k * beat // 4, beat // 4 - 10, root + scale[(k * 3 + b) % 7], 90 + (k % 4 == 0) * 30))
    for k in range(2):
        for d in (0, 3, 7, 10): piano.append((s + k * 2 * beat, 2 * beat - 30, root + 12 + d, 70))
    for d in (0, 7, 12, 15): strings.append((s, bar - 10, root + d, 60))
    for d in (0, 3, 7): choir.append((s, bar - 10, root + 12 + d, 55))
    if b % 2 == 0:
        for d in (0, 4, 7): brass.append((s + 3 * beat, beat // 2, root + 12 + d, 90))
    for k in range(8): lead.append((s + k * beat // 2, beat // 2 - 10, root + 24 + scale[(k + b) % 7], 80))
    voice.append((s, 2 * beat, root + 19, 70)); voice.append((s + 2 * beat, 2 * beat, root + 17, 70))
    for k in range(16): harp.append((s + k * beat // 4, beat // 2, root + 12 + scale[k % 7] + 12 * (k // 7), 65))
for name, ch, prog, ev in [("Drums", 9, 0, drums), ("Bass", 1, 33, bass), ("Acid", 2, 38, acid), ("Piano", 3, 0, piano),
                           ("Strings", 4, 48, strings), ("Choir", 5, 52, choir), ("Brass", 6, 61, brass),
                           ("Lead", 7, 80, lead), ("Voice", 8, 53, voice), ("Harp", 10, 46, harp)]:
    track(name, ch, prog, ev)
mid.save(sys.argv[1])
print(sys.argv[1], round(mid.length, 1), "s,", sum(1 for t in mid.tracks for m in t if m.type == "note_on"), "notes")
