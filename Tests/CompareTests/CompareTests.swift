import Analysis
import Anatomy
import Checkpoint
import Compare
import Foundation
import Score
import Testing
import _TestSupport

@Suite("compare and convert")
struct CompareTests {
  static func portrait(_ c: Checkpoint) -> Portrait { Portrait.build(checkpoint: c, anatomy: Anatomy(checkpoint: c)) }

  /// A small Llama-named model, and a copy with only layer `k` changed.
  static func models(perturb k: Int?) throws -> (Checkpoint, Checkpoint, TemporaryDirectory) {
    let base = SyntheticModels.llama(layers: 4, hidden: 16, heads: 4, kvHeads: 2, vocab: 32)
    let dir = TemporaryDirectory()
    try SafetensorsWriter(entries: base.entries).write(to: dir.file("a/model.safetensors"))
    var entries = base.entries
    if let k {
      for (i, e) in entries.enumerated() where e.name.contains("layers.\(k).") {
        let checkpoint = try Checkpoint.openSafetensors(at: dir.file("a/model.safetensors"))
        let values = try checkpoint.decode(named: e.name).enumerated().map { j, v in v * (1 + 0.05 * Float(j % 7 - 3) / 3) }
        entries[i] = .init(name: e.name, shape: e.shape, floats: values)
      }
    }
    try SafetensorsWriter(entries: entries).write(to: dir.file("b/model.safetensors"))
    return (try Checkpoint.openSafetensors(at: dir.file("a/model.safetensors")), try Checkpoint.openSafetensors(at: dir.file("b/model.safetensors")), dir)
  }

  @Test func identicalModelsChangeNothing() throws {
    let (a, b, _) = try Self.models(perturb: nil)
    let c = try Comparison.compare(a, b, portraits: (Self.portrait(a), Self.portrait(b)))
    #expect(!c.ranking.isEmpty)
    #expect(c.ranking.allSatisfy { $0.relativeChange == 0 })
    #expect(c.onlyInA.isEmpty && c.onlyInB.isEmpty)
    let piece = DifferencePiece.score(for: c)
    #expect(piece.tracks.first { $0.name == "Difference" }?.notes.isEmpty == true)
    #expect(piece.markers.map(\.text) == (0..<4).map { "layer \($0)" })
    #expect(!(piece.tracks.first { $0.name == "Bed" }?.notes.isEmpty ?? true))
  }

  /// Only layer 2 changed: it ranks first, and its section is the loudest of `Difference`.
  @Test func theChangedLayerStandsOut() throws {
    let (a, b, _) = try Self.models(perturb: 2)
    let c = try Comparison.compare(a, b, portraits: (Self.portrait(a), Self.portrait(b)))
    #expect(c.ranking.first?.layer == 2)
    #expect(c.ranking.filter { $0.layer != 2 }.allSatisfy { $0.relativeChange == 0 })
    let piece = DifferencePiece.score(for: c)
    let difference = try #require(piece.tracks.first { $0.name == "Difference" })
    let start = try #require(piece.markers.first { $0.text == "layer 2" }).beat
    #expect(!difference.notes.isEmpty)
    #expect(difference.notes.allSatisfy { $0.onset >= start && $0.onset < start + 8 })
    #expect(difference.notes.allSatisfy { piece.provenance[$0.provenance ?? 0].layer == 2 })
  }

  /// The bf16 copy of MiniLM is a smaller change than the int8 copy; both files are valid for
  /// our reader and the reference one, and within their quantisation's error bound.
  @Test func quantisedCopiesOfMiniLM() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let original = try ModelResolver(environment: [:]).open(Repository.miniLM)
    let dir = TemporaryDirectory()
    var largest: [Converter.Target: Double] = [:]
    for target in [Converter.Target.bf16, .int8, .f16] {
      let path = dir.file("\(target.rawValue).safetensors")
      try Converter.convert(original, to: target, path: path)
      let copy = try Checkpoint.openSafetensors(at: path)
      #expect(copy.tensors.map(\.name) == original.tensors.map(\.name))
      #expect(copy.metadata["format"] == .string("pt"))
      let c = try Comparison.compare(original, copy, portraits: (Self.portrait(original), Self.portrait(copy)))
      largest[target] = c.ranking.compactMap(\.relativeChange).max()
      let out = try CommandRunner.python("check_safetensors.py", [path, Repository.miniLM + "/model.safetensors"])
      #expect(out.status == 0, "\(out.stderr)")
      let report = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
      let tensors = try #require(report["tensors"] as? [String: [String: Any]])
      #expect(tensors.count == 103)
      for (name, t) in tensors {
        let relative = t["max_relative_error"] as? Double ?? 1, row = t["max_row_relative_error"] as? Double ?? 1
        switch target {
        case .bf16: #expect(relative <= 1.0 / 256 + 1e-9, "\(name)")
        case .f16: #expect(row <= 1.0 / 2048 + 1e-9, "\(name)")
        case .int8: #expect(row <= 1.0 / 254 * (1 + 1e-5), "\(name)")  // half a step, plus F32 rounding
        }
      }
    }
    #expect((largest[.bf16] ?? 1) < (largest[.int8] ?? 0))
    #expect((largest[.f16] ?? 1) < (largest[.bf16] ?? 0))
  }

  @Test func alternatingABPiece() throws {
    var a = Score(title: "A", markers: [.init(beat: 0, text: "intro"), .init(beat: 4, text: "drop")])
    a.tracks = [Track(name: "P", channel: 0, notes: [Note(onset: 0, duration: 1, pitch: 60, velocity: 90), Note(onset: 4, duration: 1, pitch: 62, velocity: 90)])]
    var b = a
    b.tracks[0].notes = [Note(onset: 0, duration: 1, pitch: 70, velocity: 90), Note(onset: 4, duration: 1, pitch: 72, velocity: 90)]
    let ab = ABPiece.alternate(a, b)
    #expect(ab.markers.map(\.text) == ["A: intro", "B: intro", "A: drop", "B: drop"])
    #expect(ab.tracks[0].notes.map(\.pitch) == [60, 70, 62, 72])
    #expect(ab.tracks[0].notes.map(\.onset) == [0, 4, 8, 9])  // drop lasts one beat (to the end of the piece)
  }
}
