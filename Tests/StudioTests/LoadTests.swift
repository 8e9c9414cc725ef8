import Foundation
import Score
import StandardMIDI
import Testing
import _TestSupport

/// The server under load and faults, over loopback: many concurrent reads, a burst of jobs
/// larger than the queue, some cancelled. Every answer is a success or a documented JSON error,
/// the server stays up with bounded memory, and every finished job's files are complete.
@Suite("studio under load", .serialized)
struct LoadTests {
  init() throws { try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models") }

  /// 512 requests from 32 concurrent clients across the read endpoints.
  @Test func reads() async throws {
    let server = try StudioFixture.start(["--jobs", "2"], output: TemporaryDirectory("eigentone-load-reads").path)
    defer { server.stop() }
    // The portrait is analysed once, before the clock starts.
    #expect(try await server.request("/api/portrait?model=all-minilm-l6-v2").status == 200)
    let paths = [
      "/", "/studio.js", "/studio.css", "/api/models", "/api/genres", "/api/renderers", "/api/limits", "/api/portrait?model=all-minilm-l6-v2",
      "/api/jobs/nojob", "/api/nothing", "/api/portrait?model=nope",
    ]
    let before = server.residentBytes
    let started = Date()
    let statuses = try await withThrowingTaskGroup(of: [(String, Int, Bool)].self) { group in
      for client in 0..<32 {
        group.addTask {
          var seen: [(String, Int, Bool)] = []
          for k in 0..<16 {
            let path = paths[(client * 16 + k) % paths.count]
            let reply = try await server.request(path)
            // Errors are JSON with the same status inside.
            let wellFormed = reply.status == 200 ? !reply.body.isEmpty : (try reply.json()["status"] as? Int) == reply.status
            seen.append((path, reply.status, wellFormed))
          }
          return seen
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    let seconds = Date().timeIntervalSince(started)
    #expect(statuses.count == 512)
    for (path, status, wellFormed) in statuses {
      #expect(wellFormed, "\(path) → \(status)")
      #expect(status == (path.contains("nojob") || path.contains("nothing") || path.contains("nope") ? 404 : 200), "\(path)")
    }
    #expect(seconds < 120, "512 reads took \(seconds) s")
    #expect(server.isRunning)
    let after = server.residentBytes
    #expect(after < before + 256 << 20, "RSS \(before >> 20) → \(after >> 20) MiB")
    print("load: 512 reads from 32 clients in \(String(format: "%.2f", seconds)) s; server RSS \(before >> 20) → \(after >> 20) MiB")
  }

  /// 16 compose jobs at once against one worker and a queue of 8: the excess is refused with
  /// 503 and Retry-After, some accepted jobs are cancelled, the rest finish with whole files.
  @Test func burstOfJobs() async throws {
    let output = TemporaryDirectory("eigentone-load-jobs")
    let server = try StudioFixture.start(["--jobs", "1", "--queue", "8"], output: output.path)
    defer { server.stop() }
    let before = server.residentBytes
    let replies = try await withThrowingTaskGroup(of: HTTPReply.self) { group in
      for k in 0..<16 {
        group.addTask {
          try await server.post("/api/compose", #"{"model": "tiny-gpt2", "genre": "acid", "renderer": "builtin", "tempo": \#(100 + k)}"#)
        }
      }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    let accepted = replies.filter { $0.status == 202 }
    let refused = replies.filter { $0.status == 503 }
    #expect(accepted.count + refused.count == 16)
    #expect(!refused.isEmpty && accepted.count >= 8, "accepted \(accepted.count), refused \(refused.count)")
    for r in refused {
      #expect(r.headers["retry-after"] == "5")
      #expect((try r.json()["error"] as? String)?.contains("busy") == true)
    }
    let ids = try accepted.map { try #require(try $0.json()["id"] as? String) }
    let cancelled = Set(ids.enumerated().filter { $0.offset % 3 == 1 }.map(\.element))
    for id in cancelled { #expect(try await server.request("/api/jobs/\(id)", method: "DELETE").status == 200) }
    var done = 0
    for id in ids {
      let status = try await server.wait(id, timeout: 600)
      let state = status["state"] as? String
      if cancelled.contains(id) {
        // A cancelled job may have finished before the cancel reached it; either way it is whole.
        #expect(state == "cancelled" || state == "done", "\(status)")
      } else {
        #expect(state == "done", "\(status)")
      }
      guard state == "done" else {
        #expect(!FileManager.default.fileExists(atPath: output.path + "/" + id), "a cancelled job left files")
        continue
      }
      done += 1
      let midi = try await server.file(status, "midi")
      let score = Score(midi: try MIDIFile(bytes: midi))
      let roll = try JSONSerialization.jsonObject(with: Data(try await server.file(status, "roll"))) as? [String: Any]
      #expect((roll?["notes"] as? [Any])?.count == score.tracks.reduce(0) { $0 + $1.writtenNotes().count })
      let audio = try await server.file(status, "audio")
      #expect(audio.count > 10_000 && Array(audio.prefix(4)) == Array("fLaC".utf8))
    }
    #expect(done >= ids.count - cancelled.count)
    #expect(server.isRunning)
    let after = server.residentBytes
    #expect(after < before + 1 << 30, "RSS \(before >> 20) → \(after >> 20) MiB")
    print("load: 16 jobs → \(accepted.count) accepted, \(refused.count) refused (503), \(cancelled.count) cancelled, \(done) done; RSS \(before >> 20) → \(after >> 20) MiB")
    #expect(server.stop(), "serve did not exit on SIGINT")
  }
}
