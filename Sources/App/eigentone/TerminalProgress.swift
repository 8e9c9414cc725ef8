import Foundation
import Pipeline
import Synchronization
import ArgumentParser

/// A request's progress as a bar on stderr (only when stderr is a terminal, so pipes and logs
/// stay clean): one bar per stage that reports items.
final class TerminalProgress: PipelineProgress {
  private let bar = Mutex<(label: String, bar: ProgressBar?)>(("", nil))

  func stage(_ name: String, at fraction: Double) throws(PipelineError) {
    bar.withLock {
      $0.bar?.finish()
      $0 = (name, nil)
    }
  }

  func update(_ done: Int, of total: Int, from: Double, to: Double, item: String) {
    let current = bar.withLock { state -> ProgressBar in
      if let b = state.bar { return b }
      let b = ProgressBar(state.label)
      state.bar = b
      return b
    }
    current.update(done: done, total: total, item: item)
  }

  /// Clears the bar.
  func finish() { bar.withLock { $0.bar?.finish() } }

  /// On stderr, after clearing the bar (stdout stays clean).
  func note(_ line: String) {
    bar.withLock { $0.bar?.finish() }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}

/// Runs pipeline requests for the command line: validated as arguments (a bad value is a usage
/// error), run with a progress bar, the audio speed reported on stderr.
enum PipelineRunner {
  /// The command line's models (any path, the standard caches), with `soundfont` for FluidSynth.
  static func models(soundfont: String? = nil) -> DirectModels {
    DirectModels(environment: ProcessInfo.processInfo.environment, soundfont: soundfont)
  }

  /// Builds the request with `make` and validates it: a bad value anywhere is a usage error.
  static func validate<R: PipelineRequest>(making make: () throws -> R) throws {
    do {
      try validate(try make())
    } catch let error as PipelineError {
      throw ValidationError(error.description)
    }
  }

  /// Throws a usage error when the request is bad.
  static func validate(_ request: some PipelineRequest, soundfont: String? = nil) throws {
    do {
      try request.validate(models(soundfont: soundfont))
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// Runs `work` with a progress bar on stderr.
  static func withProgress<T>(_ work: (TerminalProgress) throws -> T) throws -> T {
    let progress = TerminalProgress()
    defer { progress.finish() }
    return try work(progress)
  }

  /// Runs the request; prints the renderer's speed on stderr when it rendered.
  static func run(_ request: some PipelineRequest, soundfont: String? = nil) throws -> PipelineResult {
    let result = try withProgress { try request.run(models(soundfont: soundfont), progress: $0) }
    reportSpeed(result.audio)
    return result
  }

  /// The renderer's speed goes to stderr, so stdout stays the same run after run.
  static func reportSpeed(_ report: AudioReport?) {
    guard let report else { return }
    FileHandle.standardError.write(Data((report.speed + "\n").utf8))
  }
}
