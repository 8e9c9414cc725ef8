#!/usr/bin/env python3
"""Checks an `eigentone album album` folder with independent readers (test tooling only).

Usage: check_album.py FOLDER
Reads manifest.csv (Python's csv module), every track's MIDI file and album.mid (mido), every
track's SVG (an XML parser) and album.json, and prints one JSON object:
  header, rows, tracks_in_json    the manifest's header and row count, album.json's track count
  midi_problems    per-file problems (unreadable, no note with velocity > 0, zero length)
  svg_problems     SVG files that do not parse
  album_seconds, last_end          album.mid's length (mido) and the manifest's last start + duration
  starts_increasing                manifest start_s strictly increasing, each ≥ the previous end
  tension_min, tension_max, tension_mean   over the tracks
  first_token_peaks    fraction of tracks whose largest |z| at the chosen layer is their first
                       scored token (the seed's degenerate min–max put every peak there)
  flat_tracks          tracks whose z at the chosen layer has standard deviation < 0.05
  layer_spread_min     the smallest, over layers, standard deviation across tracks of the layer's
                       mean z (a layer pinned for every prompt would give 0)
  pinned_layers        layers where every track's mean z is at the same extreme (all ≥ 4 or ≤ -4)
  modes, categories    distinct values"""
import csv, json, os, sys
import xml.etree.ElementTree as ET
import mido
import numpy as np

folder = sys.argv[1]
rows = list(csv.reader(open(os.path.join(folder, "manifest.csv"), newline="")))
header, body = rows[0], rows[1:]
tracks = json.load(open(os.path.join(folder, "album.json")))
midi_problems, svg_problems = [], []
for t in tracks:
    path = os.path.join(folder, t["file"])
    try:
        m = mido.MidiFile(path)
        notes = sum(1 for tr in m.tracks for msg in tr if msg.type == "note_on" and msg.velocity > 0)
        if notes == 0 or m.length <= 0:
            midi_problems.append(f"{path}: {notes} notes, {m.length} s")
    except Exception as e:
        midi_problems.append(f"{path}: {e}")
    try:
        ET.parse(path[:-4] + ".svg")
    except Exception as e:
        svg_problems.append(f"{path[:-4]}.svg: {e}")
album = mido.MidiFile(os.path.join(folder, "album.mid"))
starts = [float(r[5]) for r in body]
durations = [float(r[4]) for r in body]
ok = all(starts[i + 1] > starts[i] and starts[i + 1] >= starts[i] + durations[i] - 1e-6 for i in range(len(starts) - 1))
tension = np.array([float(r[3]) for r in body])
first_peaks, flat = 0, 0
layer_means = []
for t in tracks:
    r = t["reading"]
    z = np.array(r["z"])
    row = z[r["chosen_layer"]]
    if int(np.abs(row).argmax()) == 0:
        first_peaks += 1
    if row.std() < 0.05:
        flat += 1
    layer_means.append(z.mean(1))
layer_means = np.array(layer_means)
pinned = [int(l) for l in range(layer_means.shape[1]) if (layer_means[:, l] >= 4).all() or (layer_means[:, l] <= -4).all()]
print(json.dumps({
    "header": header, "rows": len(body), "tracks_in_json": len(tracks), "midi_problems": midi_problems, "svg_problems": svg_problems,
    "album_seconds": album.length, "last_end": starts[-1] + durations[-1], "starts_increasing": ok,
    "tension_min": float(tension.min()), "tension_max": float(tension.max()), "tension_mean": float(tension.mean()),
    "first_token_peaks": first_peaks / len(tracks), "flat_tracks": flat, "layer_spread_min": float(layer_means.std(0).min()),
    "pinned_layers": pinned, "modes": sorted({r[6] for r in body}), "categories": len({r[1] for r in body})}))
