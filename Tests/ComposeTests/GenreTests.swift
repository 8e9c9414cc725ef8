import Analysis
import Anatomy
import Checkpoint
import Compose
import Foundation
import Score
import StandardMIDI
import Testing
import Theory
import _TestSupport

/// Portraits of the default models, built once per test run.
enum Portraits {
  static let miniLM: Portrait? = build(Repository.miniLM)
  static let smolLM2: Portrait? = build(Repository.smolLM2)

  static func build(_ path: String, threads: Int = 0) -> Portrait? {
    guard Repository.modelsInstalled, let c = try? ModelResolver(environment: [:]).open(path) else { return nil }
    return Portrait.build(checkpoint: c, anatomy: Anatomy(checkpoint: c), options: AnalysisOptions(threads: threads))
  }

  /// MiniLM with every weight multiplied by 1 + 10⁻⁶·u, u a fixed pseudo-random number in −1…1.
  static let noisyMiniLM: (Portrait?, TemporaryDirectory) = {
    let dir = TemporaryDirectory()
    guard Repository.modelsInstalled, let c = try? ModelResolver(environment: [:]).open(Repository.miniLM) else { return (nil, dir) }
    var state: UInt64 = 12345
    var entries: [SafetensorsWriter.Entry] = []
    for t in c.tensors {
      guard t.dtype == .f32, let values = try? c.decode(t) else { continue }
      let noisy = values.map { v -> Float in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let u = Double(state >> 11) / Double(1 << 53) * 2 - 1
        return Float(Double(v) * (1 + 1e-6 * u))
      }
      entries.append(.init(name: t.name, shape: t.shape, floats: noisy))
    }
    try? SafetensorsWriter(entries: entries).write(to: dir.file("model.safetensors"))
    try? FileManager.default.copyItem(atPath: Repository.miniLM + "/config.json", toPath: dir.file("config.json"))
    return (build(dir.path), dir)
  }()

  static func preset(_ genre: String) throws -> Preset {
    try Preset.load(path: Repository.root + "/Compositions/\(genre).yaml")
  }

  static func compose(_ genre: String, _ portrait: Portrait, key: Key? = nil, tempo: Double? = nil) throws -> Score {
    let composer = try #require(Composers.composer(for: genre))
    return try composer.init().compose(CompositionContext(portrait: portrait, preset: try preset(genre), key: key, tempo: tempo))
  }
}

@Suite("genres")
struct GenreTests {
  static let genres = ["opera", "house", "acid", "suite"]

  @Test(arguments: genres)
  func everyNoteHasProvenanceAndTheFileIsValid(_ genre: String) throws {
    for portrait in [Portraits.miniLM, Portraits.smolLM2] {
      let p = try #require(portrait, "run scripts/bootstrap to install the default models")
      let score = try Portraits.compose(genre, p)
      try score.validate()
      let notes = score.tracks.flatMap(\.notes)
      #expect(notes.count > 50, "\(genre): only \(notes.count) notes")
      #expect(notes.allSatisfy { $0.provenance.map(score.provenance.indices.contains) == true })
      #expect(score.provenanceTable.count == score.tracks.reduce(0) { $0 + $1.writtenNotes().count })
      #expect(score.provenanceTable.allSatisfy { $0.tensor != nil && $0.statistic != nil })
      // Each section starts with a marker; each layer of a layer walk too.
      #expect(score.markers.first?.beat == 0)
      let layerMarkers = score.markers.filter { $0.text.contains("layer ") }
      let layerNumbers = Set(layerMarkers.compactMap { Int($0.text.split(separator: " ").last ?? "") })
      #expect(layerNumbers == Set(p.layers.map(\.layer)), "\(genre): layer markers \(layerNumbers.sorted())")
      // The key and tempo are recorded in the file.
      #expect(score.texts.contains { $0.text.contains("key ") && $0.text.contains("BPM") })
      let back = Score(midi: try MIDIFile(bytes: try MIDIFileWriter.data(for: score)))
      #expect(back.tracks.reduce(0) { $0 + $1.notes.count } == score.provenanceTable.count)
    }
  }

  @Test func houseChordsProgress() throws {
    for portrait in [Portraits.miniLM, Portraits.smolLM2] {
      let p = try #require(portrait, "run scripts/bootstrap to install the default models")
      let score = try Portraits.compose("house", p)
      let chords = try #require(score.tracks.first { $0.name == "Chords" })
      let byOnset = Dictionary(grouping: chords.notes, by: \.onset).mapValues { Set($0.map { $0.pitch % 12 }) }
      #expect(Set(byOnset.values).count >= 4, "\(Set(byOnset.values).count) distinct chords")
    }
  }

  @Test func operaClimaxChangesWithTheLayers() throws {
    for portrait in [Portraits.miniLM, Portraits.smolLM2] {
      let p = try #require(portrait, "run scripts/bootstrap to install the default models")
      let score = try Portraits.compose("opera", p)
      let markers = score.markers.filter { $0.text.hasPrefix("Act III · layer") }.map(\.beat)
      let strings = score.tracks.filter { ["Violins", "Violas", "Cellos", "Contrabasses"].contains($0.name) }
      let chords = markers.map { beat in strings.map { t in t.notes.filter { $0.onset == beat }.map(\.pitch).sorted() } }
      let changes = zip(chords, chords.dropFirst()).filter { $0 != $1 }.count
      #expect(Double(changes) >= 0.8 * Double(chords.count - 1), "\(changes) of \(chords.count - 1)")
    }
  }

  /// Acid honours its preset's `time_signature`: in 3/4 every layer plays bars of twelve
  /// sixteenths, the drums three beats to the bar, and the file says 3/4.
  @Test func acidHonoursTheTimeSignature() throws {
    let p = try #require(Portraits.miniLM, "run scripts/bootstrap to install the default models")
    var preset = try Portraits.preset("acid")
    preset.timeSignature = (3, 4)
    let score = try AcidComposer().compose(CompositionContext(portrait: p, preset: preset))
    #expect(score.timeSignatures.map { "\($0.numerator)/\($0.denominator)" } == ["3/4"])
    let starts = score.markers.filter { $0.text.hasPrefix("layer ") }.map(\.beat)
    let bars = try preset.setting("bars_per_layer")
    #expect(zip(starts, starts.dropFirst()).allSatisfy { $1 - $0 == 3 * bars })
    let kit = try #require(score.tracks.first { $0.isDrum })
    let kicks = kit.notes.filter { $0.pitch == GMDrum.kick.key }.map(\.onset)
    let framing = preset.form.filter { $0.name == "intro" || $0.name == "outro" }.reduce(0) { $0 + $1.bars }
    #expect(kicks.count == 3 * (framing + p.layers.count * Int(bars)) && kicks.allSatisfy { $0 == $0.rounded() })
    // In 4/4 the score is the one the preset always made: four beats a bar.
    let common = try Portraits.compose("acid", p)
    let commonStarts = common.markers.filter { $0.text.hasPrefix("layer ") }.map(\.beat)
    #expect(zip(commonStarts, commonStarts.dropFirst()).allSatisfy { $1 - $0 == 4 * bars })
  }

  @Test func acidPatternsDiffer() throws {
    for portrait in [Portraits.miniLM, Portraits.smolLM2] {
      let p = try #require(portrait, "run scripts/bootstrap to install the default models")
      let score = try Portraits.compose("acid", p)
      let acid = try #require(score.tracks.first { $0.name == "Acid" })
      let starts = score.markers.filter { $0.text.hasPrefix("layer ") }.map(\.beat)
      let patterns = starts.map { s in acid.notes.filter { $0.onset >= s && $0.onset < s + 4 }.map { "\($0.onset - s):\($0.pitch):\($0.velocity):\($0.duration)" } }
      var differing = 0, pairs = 0
      for i in patterns.indices {
        for j in patterns.indices where j > i {
          pairs += 1
          if patterns[i] != patterns[j] { differing += 1 }
        }
      }
      #expect(Double(differing) >= 0.9 * Double(pairs), "\(differing) of \(pairs)")
      // BERT has no gate projection: its stand-in is named in the provenance.
      if p.summary.family == "bert" {
        #expect(score.provenance.contains { $0.statistic.contains("standing in for mlp.gate") })
      }
      let cutoffs = Set(acid.controls.filter { $0.controller == 74 }.map(\.value))
      #expect(cutoffs.count > p.layers.count / 2)
      #expect(acid.controls.contains { $0.controller == 65 && $0.value == 127 })  // slides
    }
  }

  @Test(arguments: genres)
  func differentModelsDifferentScores(_ genre: String) throws {
    let a = try #require(Portraits.miniLM, "run scripts/bootstrap to install the default models")
    let b = try #require(Portraits.smolLM2)
    let x = try Portraits.compose(genre, a).tracks.flatMap { $0.notes.map(\.pitch) }
    let y = try Portraits.compose(genre, b).tracks.flatMap { $0.notes.map(\.pitch) }
    #expect(x != y)
  }

  /// The same model with relative noise of 10⁻⁶ gives the same MIDI file, byte for byte.
  @Test(arguments: genres)
  func tinyNoiseChangesNothing(_ genre: String) throws {
    let clean = try #require(Portraits.miniLM, "run scripts/bootstrap to install the default models")
    let noisy = try #require(Portraits.noisyMiniLM.0)
    let a = try MIDIFileWriter.data(for: try Portraits.compose(genre, clean))
    let b = try MIDIFileWriter.data(for: try Portraits.compose(genre, noisy))
    #expect(a == b)
  }

  /// Byte-identical MIDI whatever the number of analysis threads.
  @Test func identicalAcrossThreadCounts() throws {
    let one = try #require(Portraits.build(Repository.miniLM, threads: 1), "run scripts/bootstrap to install the default models")
    let two = try #require(Portraits.build(Repository.miniLM, threads: 2))
    for genre in Self.genres {
      #expect(try MIDIFileWriter.data(for: Portraits.compose(genre, one)) == MIDIFileWriter.data(for: Portraits.compose(genre, two)))
    }
  }

  @Test func keyAndTempoOverrides() throws {
    let p = try #require(Portraits.miniLM, "run scripts/bootstrap to install the default models")
    let key = try #require(Key(parsing: "D dorian"))
    let score = try Portraits.compose("acid", p, key: key, tempo: 124)
    #expect(score.tempos.first?.bpm == 124)
    #expect(score.keySignatures.first?.fifths == 0)
    #expect(score.texts.first?.text == "key D dorian, tempo 124.0 BPM")
    let scale = key.scale
    let acid = try #require(score.tracks.first { $0.name == "Acid" })
    #expect(acid.notes.allSatisfy { scale.contains(Pitch(clamping: $0.pitch)) })
  }
}
