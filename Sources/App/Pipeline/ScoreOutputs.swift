import AtomicFile
public import Foundation
import MusicXML
public import Render
public import Score
import StandardMIDI
public import Synthesis

/// The files a score may be written to. The command line fills in the paths the user gave;
/// the studio, fixed names in the job's folder (``studio(in:prefix:)``). Every file is written
/// atomically.
public struct ScoreOutputs: Sendable, Hashable {
  /// Standard MIDI File.
  public var midi: String?
  /// The provenance table (JSON: one entry per note of the MIDI file).
  public var provenance: String?
  /// MusicXML 4.0.
  public var musicXML: String?
  /// The studio page's piano roll (JSON).
  public var roll: String?
  /// Rendered audio: WAV or FLAC by extension.
  public var audio: [String]
  /// A folder for one audio file per part.
  public var stems: String?
  /// A folder for one short MIDI file per layer (the `layer N` markers).
  public var perLayer: String?

  public init(
    midi: String? = nil, provenance: String? = nil, musicXML: String? = nil, roll: String? = nil, audio: [String] = [], stems: String? = nil,
    perLayer: String? = nil
  ) {
    self.midi = midi
    self.provenance = provenance
    self.musicXML = musicXML
    self.roll = roll
    self.audio = audio
    self.stems = stems
    self.perLayer = perLayer
  }

  /// The studio's files for one score in a job folder: `score.mid`, `provenance.json`,
  /// `roll.json` and `audio.flac`, each name after `prefix` (`a_`, `b_`).
  public static func studio(in folder: URL, prefix: String = "") -> ScoreOutputs {
    func path(_ name: String) -> String { folder.appendingPathComponent(prefix + name).path }
    return ScoreOutputs(midi: path("score.mid"), provenance: path("provenance.json"), roll: path("roll.json"), audio: [path("audio.flac")])
  }

  /// Whether audio is asked for (so the score must be renderable).
  public var rendersAudio: Bool { !audio.isEmpty || stems != nil }

  /// The files written, by kind (`midi`, `provenance`, `musicxml`, `roll`, `audio`), each
  /// kind after `prefix`.
  func files(prefix: String = "") -> [String: String] {
    var files: [String: String] = [:]
    for (kind, path) in [("midi", midi), ("provenance", provenance), ("musicxml", musicXML), ("roll", roll), ("audio", audio.first)] {
      if let path { files[prefix + kind] = path }
    }
    return files
  }
}

/// What rendering reported: loudness, true peak, and the renderer's speed.
public struct AudioReport: Sendable, Hashable {
  public var renderer: RendererChoice
  public var mastering: Mastering.Report
  public var paths: [String]

  /// "-14.0 LUFS, true peak -1.0 dBTP → a.flac" (what the command line prints).
  public var line: String {
    String(format: "%.1f LUFS, true peak %.1f dBTP → %@", mastering.outputLoudness, mastering.truePeak, paths.joined(separator: ", "))
  }

  /// "builtin renderer: 30.0 s of audio in 1.20 s (25.0× realtime); mastered in 0.21 s, one
  /// pass" (stderr: it varies).
  public var speed: String {
    let ratio = mastering.renderSeconds > 0 ? mastering.duration / mastering.renderSeconds : 0
    let line = String(
      format: "%@ renderer: %.1f s of audio in %.2f s (%.1f× realtime)", renderer.rawValue, mastering.duration, mastering.renderSeconds, ratio)
    guard mastering.masteringSeconds > 0 else { return line }
    let passes = mastering.passes == 1 ? "one pass" : "\(mastering.passes) passes"
    return line + String(format: "; mastered in %.2f s, ", mastering.masteringSeconds) + passes
  }
}

/// Writes a score to its outputs: the one writer behind every request.
public enum ScoreWriter {
  /// Throws before anything is written when the score cannot be rendered as asked.
  public static func check(_ score: Score, _ outputs: ScoreOutputs, audio: AudioSettings) throws {
    guard outputs.rendersAudio else { return }
    try audio.renderer.check(score)
  }

  /// Writes every output asked for; returns the rendering's report when audio was asked for.
  /// `reverb` is the built-in synthesizer's room (a genre's preset may set one).
  @discardableResult
  public static func write(
    _ score: Score, to outputs: ScoreOutputs, audio: AudioSettings, models: any ModelSource, reverb: Freeverb.Settings? = nil
  ) throws -> AudioReport? {
    if let midi = outputs.midi { try MIDIFileWriter.write(score, to: midi) }
    if let provenance = outputs.provenance { try AtomicFile.write(Array(try score.provenanceJSON()), to: provenance) }
    if let musicXML = outputs.musicXML { try MusicXMLWriter().write(score, to: musicXML) }
    if let roll = outputs.roll { try writeJSON(PianoRoll(score), to: roll, pretty: false) }
    if let folder = outputs.perLayer { try writeLayers(score, into: folder) }
    guard outputs.rendersAudio else { return nil }
    if let stems = outputs.stems { try FileManager.default.createDirectory(atPath: stems, withIntermediateDirectories: true) }
    let export = try audio.renderer.exporter(soundfont: models.soundfont, sampleRate: audio.sampleRate, reverb: reverb, environment: models.environment)
    let report = try export.export(score, to: outputs.audio, bitDepth: audio.bitDepth, stemDirectory: outputs.stems, master: audio.master)
    return AudioReport(renderer: audio.renderer, mastering: report, paths: outputs.audio)
  }

  /// One short MIDI file per `layer N` marker, each running to the next marker.
  static func writeLayers(_ score: Score, into folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let markers = score.markers.filter { $0.text.hasPrefix("layer ") }
    for (i, marker) in markers.enumerated() {
      let end = i + 1 < markers.count ? markers[i + 1].beat : (score.markers.first { $0.beat > marker.beat }?.beat ?? score.length)
      let name = marker.text.replacingOccurrences(of: " ", with: "-")
      try MIDIFileWriter.write(score.excerpt(from: marker.beat, to: end, title: "\(score.title), \(marker.text)"), to: folder + "/\(name).mid")
    }
  }

  /// Writes text, atomically.
  public static func writeText(_ text: String, to path: String) throws { try AtomicFile.write(text, to: path) }

  /// Writes `value` as JSON (sorted keys, slashes unescaped), atomically.
  public static func writeJSON(_ value: some Encodable, to path: String, pretty: Bool) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(Array(try encoder.encode(value)), to: path)
  }
}
