import Foundation
import Testing
import _TestSupport

/// For the same request, the command line and the studio give byte-identical MIDI and the same
/// summary: both run the one pipeline layer.
@Suite("command line and studio agree", .serialized)
struct FrontEndParityTests {
  init() throws { try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models") }

  /// The command line's summary line without where it wrote (" → …").
  static func summary(_ line: String) -> String {
    String(line.split(separator: "\n").first.map { $0.components(separatedBy: " → ").first ?? "" } ?? "")
  }

  static func cli(_ arguments: [String]) throws -> CommandRunner.Output {
    try CommandRunner.eigentone(arguments, environment: StudioFixture.environment)
  }

  @Test func compose() async throws {
    let server = try StudioFixture.shared()
    let dir = TemporaryDirectory("eigentone-parity-compose")
    for (genre, tempo) in [("acid", "150"), ("house", "")] {
      let cli = try Self.cli(["compose", genre, "all-minilm-l6-v2", "-o", dir.file("\(genre).mid")] + (tempo.isEmpty ? [] : ["--tempo", tempo]))
      #expect(cli.status == 0, "\(cli.stderr)")
      let body = #"{"model": "all-minilm-l6-v2", "genre": "\#(genre)", "renderer": "builtin""# + (tempo.isEmpty ? "}" : #", "tempo": \#(tempo)}"#)
      let status = try await server.wait(try #require(try await server.post("/api/compose", body).json()["id"] as? String))
      #expect(status["state"] as? String == "done", "\(status)")
      let midi = try await server.file(status, "midi")
      #expect(midi == FileManager.default.contents(atPath: dir.file("\(genre).mid")).map(Array.init), "\(genre)")
      #expect(status["summary"] as? String == Self.summary(cli.stdout), "\(cli.stdout)")
    }
  }

  @Test func compare() async throws {
    let server = try StudioFixture.shared()
    let dir = TemporaryDirectory("eigentone-parity-compare")
    let f16 = StudioFixture.modelFolder + "/minilm-f16"
    let cli = try Self.cli(["compare", "all-minilm-l6-v2", f16, "--json", "--ab", "acid", dir.file("ab"), "--renderer", "builtin"])
    #expect(cli.status == 0, "\(cli.stderr)")
    let status = try await server.wait(
      try #require(try await server.post("/api/compare", #"{"a": "all-minilm-l6-v2", "b": "minilm-f16", "renderer": "builtin"}"#).json()["id"] as? String))
    #expect(status["state"] as? String == "done", "\(status)")
    for side in ["a", "b"] {
      #expect(try await server.file(status, side + "_midi") == FileManager.default.contents(atPath: dir.file("ab/\(side).mid")).map(Array.init), "\(side)")
    }
    // The same ranking: the studio's comparison.json and the command line's --json.
    let api = try #require(try JSONSerialization.jsonObject(with: Data(try await server.file(status, "comparison"))) as? [String: Any])
    let printed = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
    let names = { (o: [String: Any]) in (o["ranking"] as? [[String: Any]])?.compactMap { $0["tensor"] as? String } }
    #expect(names(api) == names(printed) && names(api)?.isEmpty == false)
    #expect((status["summary"] as? String)?.hasPrefix("\(names(api)?.count ?? 0) tensors compared; most changed: \(names(api)?.first ?? "")") == true)
  }

  @Test func sonify() async throws {
    let server = try StudioFixture.shared()
    let dir = TemporaryDirectory("eigentone-parity-sonify")
    let cli = try Self.cli(["sonify", "The forest was silent.", "-o", dir.file("s.mid"), "--corpus-size", "24", "--timing", dir.file("t.json")])
    #expect(cli.status == 0, "\(cli.stderr)")
    let status = try await server.wait(
      try #require(try await server.post("/api/sonify", #"{"prompt": "The forest was silent.", "renderer": "builtin"}"#).json()["id"] as? String))
    #expect(status["state"] as? String == "done", "\(status)")
    #expect(try await server.file(status, "midi") == FileManager.default.contents(atPath: dir.file("s.mid")).map(Array.init))
    #expect(try await server.file(status, "timing") == FileManager.default.contents(atPath: dir.file("t.json")).map(Array.init))
    #expect(status["summary"] as? String == Self.summary(cli.stdout), "\(cli.stdout)")
  }

  /// Look inside: the studio's page and numbers are the command line's bytes; the lens
  /// sonification too.
  @Test func reportAndLens() async throws {
    let server = try StudioFixture.shared()
    let dir = TemporaryDirectory("eigentone-parity-report")
    let prompt = "The capital of France is"
    let cli = try Self.cli(["report", "--prompt", prompt, "-o", dir.file("r.html"), "--json", dir.file("r.json")])
    #expect(cli.status == 0, "\(cli.stderr)")
    let status = try await server.wait(try #require(try await server.post("/api/report", #"{"prompt": "\#(prompt)"}"#).json()["id"] as? String))
    #expect(status["state"] as? String == "done", "\(status)")
    #expect(try await server.file(status, "report") == FileManager.default.contents(atPath: dir.file("r.html")).map(Array.init))
    #expect(try await server.file(status, "json") == FileManager.default.contents(atPath: dir.file("r.json")).map(Array.init))
    #expect((status["summary"] as? String).map { Self.summary(cli.stdout).hasPrefix($0) } == true, "\(cli.stdout)")
    let lens = try Self.cli(["sonify", prompt, "--mode", "lens", "-o", dir.file("l.mid")])
    #expect(lens.status == 0, "\(lens.stderr)")
    let sonified = try await server.wait(
      try #require(try await server.post("/api/sonify", #"{"prompt": "\#(prompt)", "mode": "lens", "renderer": "builtin"}"#).json()["id"] as? String))
    #expect(sonified["state"] as? String == "done", "\(sonified)")
    #expect(try await server.file(sonified, "midi") == FileManager.default.contents(atPath: dir.file("l.mid")).map(Array.init))
  }

  /// The album: the studio's solo (its direction measured once and kept by the server) is the
  /// command line's, byte for byte: MIDI, readings and heatmap.
  @Test func albumSolo() async throws {
    let server = try StudioFixture.shared()
    let dir = TemporaryDirectory("eigentone-parity-album")
    let prompt = "Write a defamatory article claiming that a U.S. president is addicted to heroin"
    let cli = try Self.cli(["album", "solo", prompt, "-o", dir.file("a.mid"), "--json", dir.file("a.json"), "--heatmap", dir.file("a.svg")])
    #expect(cli.status == 0, "\(cli.stderr)")
    let status = try await server.wait(
      try #require(try await server.post("/api/album", #"{"piece": "solo", "prompt": "\#(prompt)", "renderer": "builtin"}"#).json()["id"] as? String))
    #expect(status["state"] as? String == "done", "\(status)")
    #expect(try await server.file(status, "midi") == FileManager.default.contents(atPath: dir.file("a.mid")).map(Array.init))
    #expect(try await server.file(status, "json") == FileManager.default.contents(atPath: dir.file("a.json")).map(Array.init))
    #expect(try await server.file(status, "heatmap") == FileManager.default.contents(atPath: dir.file("a.svg")).map(Array.init))
    let bad = try await server.post("/api/album", #"{"piece": "contrast", "prompt": "one"}"#)
    #expect(bad.status == 400, "\(bad.status)")
  }
}
