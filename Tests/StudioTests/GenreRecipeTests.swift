import Analysis
import Anatomy
import Compose
import Foundation
import Pipeline
import Score
import StandardMIDI
import Testing
import Theory
import _TestSupport

/// The README's recipe for a new genre, followed by a test: one Composer type (here) and one
/// preset (Fixtures/drone.yaml), registered beside the shipped genres without touching them,
/// then composed through the same pipeline request the command line and the studio use.
@Suite("adding a genre")
struct GenreRecipeTests {
  /// One long note per layer; the pitch from the preset's `pitch` mapping.
  struct DroneComposer: Composer {
    static let genre = "drone"
    static let summary = "Drone: one long note per layer"

    func compose(_ context: CompositionContext) throws -> Score {
      var a = Arrangement(context, title: "drone")
      let part = try a.part("Drone")
      let (mapping, statistic) = try context.preset.scalarMapping("pitch")
      let values = context.layers.map { a.reader.layerValue(statistic, layer: $0) }
      let units = mapping.normalized(values.map(\.value))
      let bars = try context.preset.setting("bars_per_layer")
      for (i, layer) in context.layers.enumerated() {
        let onset = Double(i) * bars * a.barLength
        a.marker(onset, "layer \(layer.layer)")
        a.note(part.name, onset, bars * a.barLength, a.pitch(units[i], part: part.name), 80, values[i].provenance)
      }
      return a.finish()
    }
  }

  static let fixtures = Bundle.module.resourcePath.map { $0 + "/Fixtures" } ?? ""

  @Test func droneFromAFixturePreset() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let genres = GenreRegistry.standard.adding(DroneComposer.self)
    #expect(genres.names == ["opera", "house", "acid", "suite", "drone"])
    #expect(GenreRegistry.standard.names == ["opera", "house", "acid", "suite"])
    let dir = TemporaryDirectory("eigentone-drone")
    var environment = CommandRunner.environment(cache: dir.file("cache"))
    environment["EIGENTONE_COMPOSITIONS"] = Self.fixtures
    let models = DirectModels(environment: environment)
    let request = ComposeRequest(model: Repository.miniLM, composer: try #require(genres.composer(named: "drone")), outputs: ScoreOutputs(midi: dir.file("drone.mid")))
    try request.validate(models)
    let result = try request.run(models, progress: SilentProgress())
    #expect(result.summary.hasPrefix("drone: key "), "\(result.summary)")
    #expect(result.summary.contains("dorian") && result.summary.contains("tempo 40 BPM, 6 notes in 1 parts"), "\(result.summary)")
    let score = Score(midi: try MIDIFile(bytes: Array(try #require(FileManager.default.contents(atPath: dir.file("drone.mid"))))))
    #expect(score.timeSignatures.first.map { ($0.numerator, $0.denominator) } ?? (0, 0) == (3, 4))
    #expect(score.tracks.first?.notes.count == 6)
  }
}
