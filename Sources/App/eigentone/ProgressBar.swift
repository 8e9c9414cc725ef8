import Foundation
import Synchronization

/// A progress bar on stderr, drawn only when stderr is a terminal, so pipes and logs stay clean.
final class ProgressBar: Sendable {
  private let enabled = isatty(STDERR_FILENO) == 1
  private let label: String
  private let lastDraw = Mutex<Double>(0)

  init(_ label: String) { self.label = label }

  func update(done: Int, total: Int, item: String) {
    guard enabled else { return }
    let now = Date().timeIntervalSince1970
    let draw = lastDraw.withLock { last -> Bool in
      guard done == total || now - last > 0.05 else { return false }
      last = now
      return true
    }
    guard draw else { return }
    let width = 30
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
    let name = item.count > 40 ? "…" + item.suffix(39) : item
    write("\r\u{1B}[2K\(label) [\(bar)] \(done)/\(total) \(name)")
  }

  func finish() {
    guard enabled else { return }
    write("\r\u{1B}[2K")
  }

  private func write(_ text: String) {
    var t = text
    t.withUTF8 { _ = Foundation.write(STDERR_FILENO, $0.baseAddress, $0.count) }
  }
}
