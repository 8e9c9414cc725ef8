import Anatomy
import Compose
import Theory
import Foundation
import Testing
import _TestSupport

@Suite("presets")
struct PresetTests {
  static let valid = """
    genre: acid
    tempo: 138
    time_signature: [4, 4]
    scale: phrygian
    form:
      - {name: intro, bars: 2}
    parts:
      - {name: Acid, channel: 1, program: 38, patch: tb303, range: [C2, C4]}
      - {name: Drums, channel: 10, drums: true}
    mappings:
      pitch: {from: mlp.down.row_norms, normalize: zscore}
    settings:
      bars_per_layer: 2
    """

  @Test func parsesTheBundledPresets() throws {
    for file in try FileManager.default.contentsOfDirectory(atPath: Repository.root + "/Compositions") where file.hasSuffix(".yaml") {
      let preset = try Preset.load(path: Repository.root + "/Compositions/" + file)
      #expect(preset.genre + ".yaml" == file)
      #expect(!preset.parts.isEmpty)
      #expect(Composers.composer(for: preset.genre) != nil, "\(file) has no composer")
    }
  }

  @Test func parsesAValidPreset() throws {
    let p = try Preset.parse(Self.valid, file: "t.yaml")
    #expect(p.tempo == 138)
    #expect(p.mode == .phrygian)
    #expect(p.part("Acid")?.range.lowerBound.midi == 36)
    #expect(p.part("Drums")?.drums == true)
    #expect(try p.mapping("pitch").normalize == .zscore)
    #expect(try p.mapping("pitch").source == .vector(.mlpDown, .rowNorms))
    #expect(try p.setting("bars_per_layer") == 2)
    #expect(throws: CompositionError.self) { try p.setting("nothing") }
  }

  /// Each bad preset is refused with the key and the line that are wrong.
  @Test(arguments: [
    ("tempo: 138", "tempo: fast", "tempo", 2),
    ("tempo: 138", "tempo: 1000", "tempo", 2),
    ("scale: phrygian", "scale: blues", "scale", 4),
    ("time_signature: [4, 4]", "time_signature: [4, 5]", "time_signature", 3),
    ("  - {name: Drums, channel: 10, drums: true}", "  - {name: Drums, channel: 3, drums: true}", "parts[1].channel", 9),
    ("range: [C2, C4]", "range: [C4, C2]", "parts[0].range", 8),
    ("normalize: zscore}", "normalize: sideways}", "mappings.pitch.normalize", 11),
    ("bars_per_layer: 2", "bars_per_layer: many", "settings.bars_per_layer", 13),
    ("genre: acid", "genre: acid\ntempi: 3", "tempi", 2),
    // A misspelt statistic (a new user's typo) names the file, the line and the key.
    ("from: mlp.down.row_norms", "from: mlp.down.row_nroms", "mappings.pitch.from", 11),
    ("from: mlp.down.row_norms", "from: mlp.sideways.row_norms", "mappings.pitch.from", 11),
    ("from: mlp.down.row_norms", "from: tenshun", "mappings.pitch.from", 11),
  ])
  func badPresetsNameKeyAndLine(_ c: (String, String, String, Int)) {
    let text = Self.valid.replacingOccurrences(of: c.0, with: c.1)
    do {
      _ = try Preset.parse(text, file: "bad.yaml")
      Issue.record("accepted")
    } catch {
      #expect(error.key == c.2, "\(error)")
      #expect(error.line == c.3, "\(error)")
      #expect(error.description.hasPrefix("bad.yaml:\(c.3): \(c.2): "))
    }
  }

  @Test func invalidYAML() {
    #expect(throws: PresetError.self) { try Preset.parse("genre: [unclosed", file: "x.yaml") }
    #expect(throws: PresetError.self) { try Preset.parse("", file: "x.yaml") }
  }

  @Test func mappingNormalisations() {
    let rank = Mapping(normalize: .rank, range: 0...1, curve: .linear)
    #expect(rank.normalized([3, 1, 2]) == [1, 0, 0.5])
    #expect(rank.normalized([1, 1, 2]) == [0.25, 0.25, 1])
    let z = Mapping(normalize: .zscore, range: 10...20, curve: .linear, quantize: 1)
    #expect(z.apply([5, 5, 5]) == [15, 15, 15])
    let mm = Mapping(normalize: .minmax, range: 0...100, curve: .exp)
    #expect(mm.apply([0, 10]) == [0, 100])
    #expect(rank.normalized([.nan, 1, 2]) == [0.75, 0, 0.75])  // NaN counts as the median (2)
  }
}
