import Foundation

/// A fresh folder under the system temporary directory, removed when the value is released.
public final class TemporaryDirectory: Sendable {
  public let path: String

  public init(_ label: String = "eigentone-test") {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/" + label + "-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// A path inside the folder (parent folders are created).
  public func file(_ name: String) -> String {
    let full = path + "/" + name
    let parent = (full as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    return full
  }

  /// Writes `bytes` to `name` and returns the path.
  @discardableResult
  public func write(_ name: String, bytes: [UInt8]) -> String {
    let full = file(name)
    _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
    return full
  }

  /// Writes `text` to `name` and returns the path.
  @discardableResult
  public func write(_ name: String, text: String) -> String {
    write(name, bytes: Array(text.utf8))
  }
}
