import Analysis
import Anatomy
import ArgumentParser
import AtomicFile
import Compose
import Foundation
import MusicXML
import Score
import StandardMIDI
import Studio
import Render
import Theory

extension Eigentone {
  /// `eigentone compose`: a model in, a piece of music out.
  struct Compose: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compose a piece in a genre from a model's weights.",
      discussion: "See `eigentone genres` for the genres and Compositions/ for their editable presets.")

    @Argument(help: "The genre (see `eigentone genres`).")
    var genre: String

    @OptionGroup var source: ModelArgument

    @Option(name: .shortAndLong, help: "The MIDI file to write.")
    var output: String

    @Option(help: "Also write the provenance table (JSON: one entry per note of the MIDI file).")
    var provenance: String?

    @Option(help: "Also write the score as MusicXML 4.0.")
    var musicxml: String?

    @Option(help: "Override the key the model suggests, e.g. \"D dorian\".")
    var key: String?

    @Option(help: "Override the preset's tempo, in BPM.")
    var tempo: Double?

    @Option(help: "Use this preset file instead of the bundled one.")
    var preset: String?

    @Option(name: .customLong("per-layer"), help: "Also write one short MIDI file per layer into this folder (acid).")
    var perLayer: String?

    @OptionGroup var audio: AudioOptions

    @Option(help: "Also write one audio file per part into this folder.")
    var stems: String?

    @Flag(help: "Recompute the portrait even when a cached one exists.")
    var noCache = false

    func validate() throws {
      if let key, Theory.Key(parsing: key) == nil { throw ValidationError("--key \"\(key)\" is not a key such as \"D dorian\" or \"F# minor\"") }
      if let tempo, !(20...400).contains(tempo) { throw ValidationError("--tempo must be between 20 and 400 BPM") }
      guard Composers.composer(for: genre) != nil else {
        throw ValidationError("unknown genre \"\(genre)\"; genres: \(Composers.all.map { $0.genre }.joined(separator: ", "))")
      }
    }

    func run() throws {
      guard let composerType = Composers.composer(for: genre) else { throw ValidationError("unknown genre \"\(genre)\"") }
      let environment = ProcessInfo.processInfo.environment
      let presetValue = try preset.map { try Preset.load(path: $0) } ?? PresetLibrary.standard(environment: environment).preset(for: composerType.genre)
      let checkpoint = try source.open()
      let portrait = try PortraitStore.portrait(for: checkpoint, options: AnalysisOptions(), useCache: !noCache)
      let context = CompositionContext(portrait: portrait, preset: presetValue, key: key.flatMap(Theory.Key.init(parsing:)), tempo: tempo)
      let score = try composerType.init().compose(context)
      try audio.check(score)
      try MIDIFileWriter.write(score, to: output)
      if let provenance { try AtomicFile.write(Array(try score.provenanceJSON()), to: provenance) }
      if let musicxml { try MusicXMLWriter().write(score, to: musicxml) }
      if let perLayer {
        try FileManager.default.createDirectory(atPath: perLayer, withIntermediateDirectories: true)
        let markers = score.markers.filter { $0.text.hasPrefix("layer ") }
        for (i, marker) in markers.enumerated() {
          let end = i + 1 < markers.count ? markers[i + 1].beat : (score.markers.first { $0.beat > marker.beat }?.beat ?? score.length)
          let name = marker.text.replacingOccurrences(of: " ", with: "-")
          try MIDIFileWriter.write(score.excerpt(from: marker.beat, to: end, title: "\(score.title), \(marker.text)"), to: perLayer + "/\(name).mid")
        }
      }
      let rendered = try audio.export(score, stems: stems, reverb: presetValue.reverb)
      let audioReport = rendered.isEmpty ? "" : "; audio " + rendered
      let notes = score.tracks.reduce(0) { $0 + $1.writtenNotes().count }
      let seconds = score.seconds(atBeat: score.length)
      print("\(composerType.genre): key \(context.key), tempo \(Self.format(context.tempo)) BPM, \(notes) notes in \(score.tracks.count) parts, \(Int(seconds.rounded())) s → \(output)\(audioReport)")
    }

    static func format(_ x: Double) -> String { x == x.rounded() ? "\(Int(x))" : "\(x)" }
  }

  /// `eigentone genres`: the genres with a line each.
  struct Genres: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the genres `compose` knows.")

    func run() {
      for c in Composers.all { print(c.genre.padding(toLength: 8, withPad: " ", startingAt: 0) + c.summary) }
    }
  }
}
