import AtomicFile
public import Foundation
import JSONText
import Synchronization

/// Per-item results of a resumable analysis: one file per matrix or vector, written atomically
/// the moment it is measured (`matrix-000012.json`), so a run killed at any instant (SIGKILL
/// included) and started again measures only what is missing. A file is trusted only if it
/// decodes, names the same model identity, plan item and tensor, and its checksum (FNV-1a, 64
/// bits, of the result's canonical JSON) matches the result it holds; anything else (a truncated
/// or edited file, another model's) is measured again.
public final class WorkFolder: Sendable {
  public let path: String
  /// ``AnalysisPlan/identity``.
  public let identity: String
  private let counts = Mutex<(kept: Int, rejected: [String])>((0, []))

  public init(path: String, identity: String) throws {
    self.path = path
    self.identity = identity
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// How many results were read back, and the names of those found damaged.
  public var report: (kept: Int, rejected: [String]) { counts.withLock { $0 } }

  struct Entry<Value: Sendable & Hashable & Codable>: Codable {
    var identity: String
    var item: String
    var name: String
    var checksum: String
    var outcome: Portrait.Outcome<Value>
  }

  static func key(_ item: AnalysisPlan.Item) -> String {
    switch item {
    case .matrix(let i): "matrix-" + String(format: "%06d", i)
    case .vector(let i): "vector-" + String(format: "%06d", i)
    }
  }

  func file(_ item: AnalysisPlan.Item) -> String { path + "/" + Self.key(item) + ".json" }

  static func checksum<Value: Encodable>(_ value: Value) -> String? {
    guard let bytes = try? JSONText.encode(value) else { return nil }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      hash ^= UInt64(b)
      hash &*= 0x0000_0100_0000_01B3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The stored result of `item`, or nil when there is none or it cannot be trusted.
  public func load<Value: Sendable & Hashable & Codable>(_ item: AnalysisPlan.Item, name: String) -> Portrait.Outcome<Value>? {
    guard let data = FileManager.default.contents(atPath: file(item)) else { return nil }
    guard let entry = try? JSONDecoder().decode(Entry<Value>.self, from: data), entry.identity == identity, entry.item == Self.key(item),
      entry.name == name, Self.checksum(entry.outcome) == entry.checksum
    else {
      counts.withLock { $0.rejected.append(name) }
      return nil
    }
    counts.withLock { $0.kept += 1 }
    return entry.outcome
  }

  /// Stores `item`'s result (atomically; a failure to write only costs a recomputation later).
  public func store<Value: Sendable & Hashable & Codable>(_ outcome: Portrait.Outcome<Value>, item: AnalysisPlan.Item, name: String) {
    guard let sum = Self.checksum(outcome) else { return }
    let entry = Entry(identity: identity, item: Self.key(item), name: name, checksum: sum, outcome: outcome)
    guard let bytes = try? JSONText.encode(entry) else { return }
    try? AtomicFile.write(bytes, to: file(item))
  }
}
