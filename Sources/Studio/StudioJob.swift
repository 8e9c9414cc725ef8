public import Foundation
import AtomicFile
public import Compose
import Render
import Score
import StandardMIDI
public import Synthesis
import Theory

/// A request the studio runs in the background: composing, comparing or sonifying. Decoded
/// from the JSON body of a `POST`, checked by ``validate(_:)`` before it is queued (so a bad
/// request fails at once with a status code), then run on a worker thread.
public protocol StudioJob: Sendable, Decodable {
  /// `compose`, `compare` or `sonify`.
  static var kind: String { get }
  /// Throws when the request cannot be run (unknown model or genre, values out of range).
  func validate(_ workbench: Workbench) throws(StudioError)
  /// Runs the job, writing its files into `folder` (which exists and is empty).
  func run(_ workbench: Workbench, folder: URL, progress: JobProgress) throws -> JobResult
}

extension StudioJob {
  /// Writes `value` as JSON into `folder/name`, atomically.
  func writeJSON(_ value: some Encodable, _ name: String, in folder: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(Array(try encoder.encode(value)), to: folder.appendingPathComponent(name).path)
  }

  /// Writes the score's MIDI file, provenance table and piano roll; returns their kinds.
  func writeScore(_ score: Score, prefix: String = "", in folder: URL) throws -> [String: String] {
    let midi = prefix + "score.mid", roll = prefix + "roll.json", provenance = prefix + "provenance.json"
    try MIDIFileWriter.write(score, to: folder.appendingPathComponent(midi).path)
    try AtomicFile.write(Array(try score.provenanceJSON()), to: folder.appendingPathComponent(provenance).path)
    try writeJSON(PianoRoll(score), roll, in: folder)
    return [prefix + "midi": midi, prefix + "roll": roll, prefix + "provenance": provenance]
  }

  /// Renders the score to a 16-bit FLAC (mastered to -14 LUFS), which every browser plays.
  func writeAudio(_ score: Score, _ name: String, renderer: RendererChoice, reverb: Freeverb.Settings?, workbench: Workbench, in folder: URL) throws {
    let export = try renderer.exporter(soundfont: workbench.soundfont, reverb: reverb, environment: workbench.environment)
    _ = try export.export(score, to: [folder.appendingPathComponent(name).path], bitDepth: 16)
  }
}

/// Checks shared by the requests.
enum Check {
  static func model(_ id: String, _ workbench: Workbench) throws(StudioError) {
    _ = try workbench.catalog.entry(id)
  }

  static func genre(_ name: String) throws(StudioError) -> any Composer.Type {
    guard let c = Composers.composer(for: name) else { throw .unknownGenre(String(name.prefix(100))) }
    return c
  }

  static func tempo(_ tempo: Double?) throws(StudioError) {
    if let tempo, !(20...400).contains(tempo) { throw .badRequest("tempo must be between 20 and 400 BPM") }
  }

  static func key(_ key: String?) throws(StudioError) {
    if let key, !key.isEmpty, Theory.Key(parsing: key) == nil { throw .badRequest("\"\(key.prefix(100))\" is not a key such as \"D dorian\"") }
  }
}

extension Preset {
  /// The built-in synthesizer's room from `settings.reverb_room`, `reverb_damping`,
  /// `reverb_wet` (0…1 each), when the preset sets any of them.
  public var reverb: Freeverb.Settings? {
    guard settings.keys.contains(where: { $0.hasPrefix("reverb_") }) else { return nil }
    var room = Freeverb.Settings.room
    room.room = min(1, max(0, setting("reverb_room", room.room)))
    room.damping = min(1, max(0, setting("reverb_damping", room.damping)))
    room.wet = min(1, max(0, setting("reverb_wet", room.wet)))
    return room
  }
}
