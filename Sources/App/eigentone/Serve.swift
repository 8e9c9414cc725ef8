import ArgumentParser
import Foundation
import Synchronization
import Pipeline
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
    var corpusSize = Limits.defaultCorpusSize

    @Option(help: "The soundfont (.sf2) for the FluidSynth renderer.")
    var soundfont: String?

    @Option(help: "Jobs that run at once; the others wait.")
    var jobs = 2

    @Option(help: "Jobs that may wait; one more is answered 503 with Retry-After.")
    var queue = Limits.defaultQueuedJobs

    func validate() throws {
      guard Limits.port.contains(port) else { throw ValidationError("--port must be between 0 and \(Limits.port.upperBound)") }
      do {
        try Check.corpusSize(corpusSize)
      } catch {
        throw ValidationError("--corpus-size: \(error.description)")
      }
      guard Limits.concurrentJobs.contains(jobs) else {
        throw ValidationError("--jobs must be between \(Limits.concurrentJobs.lowerBound) and \(Limits.concurrentJobs.upperBound)")
      }
      guard Limits.queuedJobs.contains(queue) else {
        throw ValidationError("--queue must be between \(Limits.queuedJobs.lowerBound) and \(Limits.queuedJobs.upperBound)")
      }
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
      let board = JobBoard(root: root, workbench: workbench, concurrency: jobs, queueLimit: queue)
      let host = host
      try await StudioServer.run(board: board, host: host, port: port) { port in
        let line = "Eigentone studio on http://\(host):\(port)/ (\(workbench.catalog.models.count) models; files in \(root.path))\n"
        FileHandle.standardOutput.write(Data(line.utf8))
      }
    }
  }
}
