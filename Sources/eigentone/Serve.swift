import ArgumentParser
import Foundation
import Synchronization
import Studio
import StudioServer

extension Eigentone {
  /// `eigentone serve`: the studio in a browser.
  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run the web studio: compose, compare and sonify from a page in your browser.",
      discussion: """
        Open the address it prints. Models come from models/, --models and the local Hugging Face \
        cache; each is loaded and analysed once and reused. Results live in a folder per request \
        under --output (default: a fresh temporary folder).
        """)

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "The address to bind; the default serves this machine only.")
    var host = "127.0.0.1"

    @Option(help: "Also list the models in this folder (repeatable).")
    var models: [String] = []

    @Option(help: "Where each request's files go.")
    var output: String?

    @Option(name: .customLong("corpus-size"), help: "Reference sentences for the activation maps (8 to 5000).")
    var corpusSize = 1000

    @Option(help: "The soundfont (.sf2) for the FluidSynth renderer.")
    var soundfont: String?

    @Option(help: "Jobs that run at once; the others wait.")
    var jobs = 2

    func validate() throws {
      guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
      guard (8...5000).contains(corpusSize) else { throw ValidationError("--corpus-size must be between 8 and 5000") }
      guard (1...16).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 16") }
      for dir in models where !FileManager.default.fileExists(atPath: dir) { throw ValidationError("--models \(dir): no such folder") }
    }

    /// Runs the server on Swift's concurrency pool and waits here, so every other command keeps
    /// running synchronously on the main thread (their parallel kernels need the pool's
    /// threads, and an asynchronous root command would put them on it).
    func run() throws {
      let failure = Mutex<(any Error)?>(nil)
      let done = DispatchSemaphore(value: 0)
      Task {
        do { try await serve() } catch { failure.withLock { $0 = error } }
        done.signal()
      }
      done.wait()
      if let error = failure.withLock({ $0 }) { throw error }
    }

    func serve() async throws {
      let root: URL
      if let output {
        root = URL(fileURLWithPath: output, isDirectory: true)
      } else {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("eigentone-serve-\(getpid())", isDirectory: true)
      }
      try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
      let workbench = Workbench(
        environment: ProcessInfo.processInfo.environment, modelDirectories: models.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
        corpusSize: corpusSize, soundfont: soundfont)
      let board = JobBoard(root: root, workbench: workbench, concurrency: jobs)
      let host = host
      try await StudioServer.run(board: board, host: host, port: port) { port in
        let line = "Eigentone studio on http://\(host):\(port)/ (\(workbench.catalog.models.count) models; files in \(root.path))\n"
        FileHandle.standardOutput.write(Data(line.utf8))
      }
    }
  }
}
