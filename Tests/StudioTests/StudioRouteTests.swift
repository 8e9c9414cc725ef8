import Foundation
import Pipeline
import Studio
import Render
import Score
import Sonify
import StandardMIDI
import Testing
import _TestSupport

/// Every endpoint of a real `eigentone serve` process, over loopback, on the real default
/// models: the answers, the files the jobs make, and the bad inputs.
@Suite("studio routes", .serialized)
struct StudioRouteTests {
  init() throws { try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models") }

  /// The page is one self-contained file: no script, style or image from another host.
  @Test func page() async throws {
    let client = try StudioFixture.shared()
    do {
      let response = try await client.request("/")
      #expect(response.status == 200)
      #expect(response.headers["content-type"]?.hasPrefix("text/html") == true)
      let html = response.text
      for element in ["<canvas", "id=\"compose\"", "id=\"compare\"", "id=\"sonify\"", "id=\"words\"", "<svg", "/studio.js", "/studio.css"] {
        #expect(html.contains(element))
      }
      let script = try await client.request("/studio.js"), style = try await client.request("/studio.css")
      #expect(script.status == 200 && script.headers["content-type"]?.hasPrefix("text/javascript") == true)
      #expect(style.status == 200 && style.headers["content-type"]?.hasPrefix("text/css") == true)
      // The page's files are the ones in the source tree, byte for byte (embedded at build time).
      for (name, reply) in [("index.html", response), ("studio.js", script), ("studio.css", style)] {
        let source = FileManager.default.contents(atPath: Repository.root + "/Sources/App/StudioServer/Page/" + name).map(Array.init)
        #expect(reply.body == source, "\(name)")
      }
      // Nothing the server knows is written into the page: renderers and limits come from the API.
      #expect(!script.text.contains("\"builtin\"") && !html.contains("4096") && !html.contains("max=\"400\""))
      for external in ["src=\"http", "href=\"http", "url(http", "@import", "fetch(\"http"] {
        #expect(!(html + script.text + style.text).contains(external), "\(external)")
      }
    }
  }

  /// Renderers and limits, as the page reads them, are the Swift values.
  @Test func renderersAndLimits() async throws {
    let client = try StudioFixture.shared()
    let renderers = try #require(try await client.request("/api/renderers").json()["renderers"] as? [[String: Any]])
    #expect(renderers.compactMap { $0["name"] as? String } == RendererNames.all)
    let limits = try await client.request("/api/limits").json()
    #expect((limits["tempo"] as? [String: Double]) == ["min": Limits.tempo.lowerBound, "max": Limits.tempo.upperBound])
    #expect(limits["prompt_bytes"] as? Int == Limits.promptBytes && limits["prompt_tokens"] as? Int == Limits.promptTokens)
  }

  /// The models folder, `--models` and nothing that is not a checkpoint.
  @Test func models() async throws {
    let client = try StudioFixture.shared()
    do {
      let response = try await client.request("/api/models")
      #expect(response.status == 200)
      let body = try response.json()
      #expect(body["default"] as? String == "smollm2-135m-instruct")
      let models = try #require(body["models"] as? [[String: Any]])
      let byID = Dictionary(uniqueKeysWithValues: models.compactMap { m in (m["id"] as? String).map { ($0, m) } })
      #expect(Set(byID.keys) == ["tiny-gpt2", "minilm-f16", "smollm2-135m-instruct", "all-minilm-l6-v2", "gemma-3-270m"])
      #expect(byID["gemma-3-270m"]?["can_sonify"] as? Bool == true && byID["gemma-3-270m"]?["family"] as? String == "gemma")
      #expect(byID["smollm2-135m-instruct"]?["format"] as? String == "gguf")
      #expect(byID["smollm2-135m-instruct"]?["can_sonify"] as? Bool == true)
      #expect(byID["all-minilm-l6-v2"]?["can_sonify"] as? Bool == false)
      #expect(byID["all-minilm-l6-v2"]?["family"] as? String == "bert")
      #expect((byID["smollm2-135m-instruct"]?["parameters"] as? Int ?? 0) > 100_000_000)
    }
  }

  @Test func genres() async throws {
    let client = try StudioFixture.shared()
    do {
      let genres = try #require(try await client.request("/api/genres").json()["genres"] as? [[String: Any]])
      #expect(genres.compactMap { $0["name"] as? String } == ["opera", "house", "acid", "suite"])
      #expect(genres.allSatisfy { ($0["tempo"] as? Double ?? 0) > 0 && !($0["summary"] as? String ?? "").isEmpty })
    }
  }

  /// The portrait summary: a row per layer, every matrix's spectrum thinned to ≤ 48 ranks
  /// that keep the largest value and stay descending.
  @Test func portrait() async throws {
    let client = try StudioFixture.shared()
    do {
      let response = try await client.request("/api/portrait?model=all-minilm-l6-v2")
      #expect(response.status == 200)
      let p = try response.json()
      let layers = try #require(p["layers"] as? [[String: Any]])
      #expect(layers.count == 6)
      #expect(layers.allSatisfy { ($0["mean_alpha"] as? Double).map { $0 > 1 && $0 < 20 } ?? false })
      let spectra = try #require(p["spectra"] as? [[String: Any]])
      #expect(spectra.count >= 36)
      for s in spectra {
        let values = try #require(s["singular_values"] as? [Double])
        let ranks = try #require(s["ranks"] as? [Int])
        #expect(values.count == ranks.count && values.count <= PortraitSummary.spectrumPoints)
        #expect(ranks.first == 1 && ranks == ranks.sorted() && Set(ranks).count == ranks.count)
        #expect(values == values.sorted(by: >))
      }
      for (uri, status): (String, Int) in [("/api/portrait?model=nope", 404), ("/api/portrait", 400), ("/api/portrait?model=../../etc/passwd", 404)] {
        let bad = try await client.request(uri)
        #expect(bad.status == status, "\(uri)")
        #expect(try bad.json()["error"] is String)
      }
    }
  }

  /// Compose on MiniLM with the built-in synthesizer: a MIDI file that reads back with as many
  /// notes as the piano roll and the provenance table, a FLAC file, and byte ranges.
  @Test func compose() async throws {
    let client = try StudioFixture.shared()
    do {
      let accepted = try await client.post("/api/compose", #"{"model": "all-minilm-l6-v2", "genre": "acid", "renderer": "builtin", "tempo": 150}"#)
      #expect(accepted.status == 202)
      let id = try #require(try accepted.json()["id"] as? String)
      let status = try await client.wait(id)
      #expect(status["state"] as? String == "done", "\(status)")
      #expect(status["progress"] as? Double == 1)
      #expect((status["facts"] as? [String: String])?["tempo"] == "150")
      let midi = try await client.file(status, "midi")
      let score = Score(midi: try MIDIFile(bytes: midi))
      let roll = try JSONDecoder().decode(PianoRoll.self, from: Data(try await client.file(status, "roll")))
      let notes = score.tracks.reduce(0) { $0 + $1.notes.count }
      #expect(notes > 100 && roll.notes.count == notes)
      #expect(roll.notes.allSatisfy { $0[5] >= 0 && Int($0[5]) < roll.provenance.count && $0[2] > $0[1] })
      #expect(roll.markers.contains { $0.text == "layer 0" })
      let table = try #require(try JSONSerialization.jsonObject(with: Data(try await client.file(status, "provenance"))) as? [String: Any])
      #expect((table["notes"] as? [Any])?.count == notes)
      let audio = try await client.file(status, "audio")
      #expect(audio.count > 100_000 && Array(audio.prefix(4)) == Array("fLaC".utf8))
      // Ranges, as an audio element asks for them when seeking.
      let uri = try #require((status["files"] as? [String: String])?["audio"])
      let part = try await client.request(uri, headers: ["Range": "bytes=100-199"])
      #expect(part.status == 206)
      #expect(part.body == Array(audio[100...199]))
      #expect(part.headers["content-range"] == "bytes 100-199/\(audio.count)")
      let tail = try await client.request(uri, headers: ["Range": "bytes=-10"])
      #expect(tail.body == Array(audio.suffix(10)))
      let beyond = try await client.request(uri, headers: ["Range": "bytes=\(audio.count + 5)-"])
      #expect(beyond.status == 416)
    }
  }

  @Test(arguments: [
    (#"{"model": "nope", "genre": "acid"}"#, 404, "unknown model"),
    (#"{"model": "all-minilm-l6-v2", "genre": "polka"}"#, 404, "unknown genre"),
    (#"{"model": "all-minilm-l6-v2", "genre": "acid", "key": "H major"}"#, 400, "is not a key"),
    (#"{"model": "all-minilm-l6-v2", "genre": "acid", "tempo": 1000}"#, 400, "tempo must be between"),
    (#"{"model": "all-minilm-l6-v2", "genre": "acid", "renderer": "moog"}"#, 400, "renderer"),
    (#"{"model": "all-minilm-l6-v2"}"#, 400, "has no \"genre\""),
    (#"{"model": 7, "genre": "acid"}"#, 400, "model"),
    (#"{"model": "/etc/passwd", "genre": "acid"}"#, 404, "unknown model"),
    (#"{"model": "../models/smollm2-135m-instruct", "genre": "acid"}"#, 404, "unknown model"),
    ("not json", 400, "invalid JSON"),
  ])
  func composeRejects(_ c: (String, Int, String)) async throws {
    let client = try StudioFixture.shared()
    do {
      let response = try await client.post("/api/compose", c.0)
      #expect(response.status == c.1, "\(c.0)")
      let body = try response.json()
      #expect((body["error"] as? String)?.contains(c.2) == true, "\(body)")
      #expect(body["status"] as? Int == c.1)
    }
  }

  /// Bodies over 64 KiB and prompts over 4 KiB are refused before anything runs.
  @Test func sizeLimits() async throws {
    let client = try StudioFixture.shared()
    do {
      let huge = try await client.post("/api/sonify", "{\"prompt\": \"" + String(repeating: "a", count: 100_000) + "\"}")
      #expect(huge.status == 413)
      #expect(try huge.json()["error"] is String)
      let long = try await client.post("/api/sonify", "{\"prompt\": \"" + String(repeating: "word ", count: 1000) + "\"}")
      #expect(long.status == 413)
      #expect((try long.json()["error"] as? String)?.contains("longer than 4 KiB (4096 bytes)") == true)
      for (body, fragment) in [
        (#"{"prompt": "   "}"#, "empty"), (#"{"prompt": "hi", "model": "all-minilm-l6-v2"}"#, "bert model"), (#"{"prompt": "hi", "mode": "dreaming"}"#, "mode"),
      ] {
        let r = try await client.post("/api/sonify", body)
        #expect(r.status == 400, "\(body)")
        #expect((try r.json()["error"] as? String)?.contains(fragment) == true, "\(body)")
      }
    }
  }

  /// Sonify on SmolLM2: four words with increasing onsets, and a score whose lyrics are them.
  @Test func sonify() async throws {
    let client = try StudioFixture.shared()
    do {
      let accepted = try await client.post("/api/sonify", #"{"prompt": "The forest was silent.", "renderer": "builtin", "key": "D dorian"}"#)
      #expect(accepted.status == 202)
      let status = try await client.wait(try #require(try accepted.json()["id"] as? String))
      #expect(status["state"] as? String == "done", "\(status)")
      let words = try JSONDecoder().decode([Sonification.Word].self, from: Data(try await client.file(status, "timing")))
      #expect(words.map(\.word) == ["The", "forest", "was", "silent."])
      #expect(zip(words, words.dropFirst()).allSatisfy { $0.onset + $0.duration <= $1.onset + 1e-9 })
      let score = Score(midi: try MIDIFile(bytes: try await client.file(status, "midi")))
      #expect(score.tracks.flatMap(\.lyrics).map(\.text).prefix(4) == ["The", "forest", "was", "silent."])
      #expect(Array(try await client.file(status, "audio").prefix(4)) == Array("fLaC".utf8))
    }
  }

  /// Compare MiniLM with its f16 copy: every tensor matched, changes of f16 rounding size,
  /// and the same genre composed from both.
  @Test func compare() async throws {
    let client = try StudioFixture.shared()
    do {
      let accepted = try await client.post("/api/compare", #"{"a": "all-minilm-l6-v2", "b": "minilm-f16", "renderer": "builtin"}"#)
      #expect(accepted.status == 202)
      let status = try await client.wait(try #require(try accepted.json()["id"] as? String))
      #expect(status["state"] as? String == "done", "\(status)")
      let comparison = try #require(try JSONSerialization.jsonObject(with: Data(try await client.file(status, "comparison"))) as? [String: Any])
      let ranking = try #require(comparison["ranking"] as? [[String: Any]])
      #expect(ranking.count > 50)
      let changes = ranking.compactMap { $0["relative_change"] as? Double }
      #expect(changes == changes.sorted(by: >) && (changes.first ?? 1) < 1e-3 && (changes.first ?? 0) > 0)
      for kind in ["a_audio", "b_audio", "a_midi", "b_midi", "a_roll", "b_roll"] { #expect(try await client.file(status, kind).count > 100) }
      let bad = try await client.post("/api/compare", #"{"a": "all-minilm-l6-v2"}"#)
      #expect(bad.status == 400)
    }
  }

  /// Only files a job reported are served: no traversal, no other job's folder, no guessing.
  @Test func noPathOutsideTheJobs() async throws {
    let client = try StudioFixture.shared()
    do {
      let accepted = try await client.post("/api/compose", #"{"model": "tiny-gpt2", "genre": "acid", "renderer": "builtin"}"#)
      let id = try #require(try accepted.json()["id"] as? String)
      let status = try await client.wait(id)
      #expect(status["state"] as? String == "done", "\(status)")
      for uri in [
        "/api/jobs/\(id)/files/..%2F..%2F..%2Fetc%2Fpasswd", "/api/jobs/\(id)/files/../../../etc/passwd", "/api/jobs/\(id)/files/%2Fetc%2Fpasswd",
        "/api/jobs/..%2F\(id)/files/score.mid", "/api/jobs/\(id)/files/nothing.mid", "/api/jobs/nojob/files/score.mid", "/etc/passwd", "/api/../etc/passwd",
      ] {
        let r = try await client.request(uri)
        #expect(r.status == 404, "\(uri)")
        #expect(!r.text.contains("root:"), "\(uri)")
      }
      let unknown = try await client.request("/api/nothing")
      #expect(unknown.status == 404)
      #expect((try unknown.json()["error"] as? String)?.contains("no such route") == true)
      #expect(try await client.request("/api/jobs/nojob").status == 404)
      #expect(try await client.request("/api/jobs/nojob", method: "DELETE").status == 404)
    }
  }

  /// With one worker, a queued job cancelled before it starts never runs, a running one stops
  /// at its next stage, neither leaves files, and other requests are answered meanwhile.
  @Test func cancel() async throws {
    let output = TemporaryDirectory("eigentone-studio-cancel")
    let client = try StudioFixture.start(["--jobs", "1"], output: output.path)
    defer { client.stop() }
    do {
      let first = try await client.post("/api/compose", #"{"model": "smollm2-135m-instruct", "genre": "opera"}"#).json()
      let second = try await client.post("/api/compose", #"{"model": "tiny-gpt2", "genre": "acid"}"#).json()
      let firstID = try #require(first["id"] as? String), secondID = try #require(second["id"] as? String)
      // Jobs start in the order they came: the first holds the only slot, the second waits,
      // and cancelling it ends it at once.
      let cancelled = try await client.request("/api/jobs/\(secondID)", method: "DELETE").json()
      #expect(cancelled["state"] as? String == "cancelled")
      // Read back, a cancelled job says why, with its status (a Mutex of a tuple once lost this
      // and crashed the server on the next read).
      let again = try await client.request("/api/jobs/\(secondID)").json()
      #expect(again["error"] as? String == "cancelled" && again["error_status"] as? Int == 409, "\(again)")
      let models = try await client.request("/api/models")
      #expect(models.status == 200)
      _ = try await client.request("/api/jobs/\(firstID)", method: "DELETE")
      for id in [firstID, secondID] {
        let status = try await client.wait(id)
        #expect(status["state"] as? String == "cancelled", "\(status)")
        #expect((status["files"] as? [String: String])?.isEmpty == true)
        #expect(!FileManager.default.fileExists(atPath: output.path + "/" + id))
      }
    }
  }

  /// Several jobs at once all finish with what they asked for.
  @Test func concurrentJobs() async throws {
    let client = try StudioFixture.shared()
    do {
      let tempos = [100.0, 120, 140, 160]
      let ids = try await withThrowingTaskGroup(of: String.self) { group in
        for tempo in tempos {
          group.addTask {
            let r = try await client.post("/api/compose", "{\"model\": \"tiny-gpt2\", \"genre\": \"acid\", \"renderer\": \"builtin\", \"tempo\": \(tempo)}")
            return try #require(try r.json()["id"] as? String)
          }
        }
        return try await group.reduce(into: []) { $0.append($1) }
      }
      var seen: [String] = []
      for id in ids {
        let status = try await client.wait(id)
        #expect(status["state"] as? String == "done", "\(status)")
        seen.append((status["facts"] as? [String: String])?["tempo"] ?? "")
      }
      #expect(Set(seen) == Set(tempos.map { "\(Int($0))" }))
    }
  }
}

/// The renderer names, from the Swift type.
enum RendererNames {
  static let all = RendererChoice.allCases.map(\.rawValue)
}
