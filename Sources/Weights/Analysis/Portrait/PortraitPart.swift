public import Anatomy
public import Checkpoint
public import Foundation

/// One part of a sharded analysis (`eigentone analyze MODEL --shard I/N --portrait-part
/// FILE`): the measurements of the plan items in part I of N (``AnalysisPlan/parts(_:)``), with
/// what identifies the model, the options and the program that made them.
public struct PortraitPart: Sendable, Codable {
  /// `format` of every part file.
  public static let formatName = "eigentone-portrait-part"

  public struct Entry<Value: Sendable & Hashable & Codable>: Sendable, Codable {
    public var index: Int
    public var name: String
    public var outcome: Portrait.Outcome<Value>
  }

  public var format: String
  public var schemaVersion: Int
  public var identity: String
  /// The model as it was named (the portrait's `model`).
  public var model: String
  /// The model's absolute path, which the merge opens (every machine sees the model by the same
  /// path: a shared filesystem, as on a cluster).
  public var path: String
  public var method: String
  public var minimumTailSize: Int
  /// 1-based.
  public var part: Int
  public var parts: Int
  public var matrices: [Entry<MatrixAnalysis>]
  public var vectors: [Entry<VectorAnalysis>]

  enum CodingKeys: String, CodingKey {
    case format, identity, model, path, method, part, parts, matrices, vectors
    case schemaVersion = "schema_version"
    case minimumTailSize = "minimum_tail_size"
  }

  public init(plan: AnalysisPlan, checkpoint: Checkpoint, part: Int, parts: Int, measured: Portrait.Measurements) {
    format = Self.formatName
    schemaVersion = Portrait.schemaVersion
    identity = plan.identity
    model = checkpoint.location
    path = URL(fileURLWithPath: checkpoint.location).standardizedFileURL.path
    method = plan.options.method.rawValue
    minimumTailSize = plan.options.minimumTailSize
    self.part = part
    self.parts = parts
    matrices = measured.matrices.keys.sorted().compactMap { i in measured.matrices[i].map { Entry(index: i, name: plan.matrices[i].name, outcome: $0) } }
    vectors = measured.vectors.keys.sorted().compactMap { i in measured.vectors[i].map { Entry(index: i, name: plan.vectors[i].tensor.name, outcome: $0) } }
  }
}

/// Why parts cannot be merged (one line each).
public enum MergeError: Error, Sendable, CustomStringConvertible {
  case unreadable(String, String)
  case notAPart(String)
  case version(String, found: Int)
  case mismatch(String, String, what: String)
  case missing(parts: Int, absent: [Int])
  case duplicate(Int, String, String)
  case planChanged(String, String)

  public var description: String {
    switch self {
    case .unreadable(let file, let why): "cannot read the part \(file): \(why)"
    case .notAPart(let file): "\(file) is not an eigentone portrait part"
    case .version(let file, let found):
      "\(file) was made by another Eigentone (portrait schema \(found); this one writes \(Portrait.schemaVersion)): make the parts again"
    case .mismatch(let a, let b, let what): "\(a) and \(b) are parts of different analyses (\(what))"
    case .missing(let n, let absent):
      absent.count == 1 ? "part \(absent[0]) of \(n) is missing" : "parts \(absent.map(String.init).joined(separator: ", ")) of \(n) are missing"
    case .duplicate(let i, let a, let b): "\(a) and \(b) are both part \(i)"
    case .planChanged(let file, let why): "\(file) does not fit the model as it is now: \(why)"
    }
  }
}

extension Portrait {
  /// Reads part files, checks that they are every part of one analysis (same model identity,
  /// options, schema and part count; each part once), opens the model (`open`: every machine
  /// sees it by the same path) and assembles the portrait: the same bytes as the single-process
  /// analysis of the same model and options.
  public static func merge(files: [String], open: (String) throws -> Checkpoint) throws -> Portrait {
    var parts: [(file: String, part: PortraitPart)] = []
    for file in files {
      guard let data = FileManager.default.contents(atPath: file) else { throw MergeError.unreadable(file, "no such file") }
      struct Header: Decodable {
        var format: String?
        var schemaVersion: Int?
        enum CodingKeys: String, CodingKey {
          case format
          case schemaVersion = "schema_version"
        }
      }
      guard let header = try? JSONDecoder().decode(Header.self, from: data), header.format == PortraitPart.formatName else {
        throw MergeError.notAPart(file)
      }
      guard header.schemaVersion == Portrait.schemaVersion else { throw MergeError.version(file, found: header.schemaVersion ?? 0) }
      do {
        parts.append((file, try JSONDecoder().decode(PortraitPart.self, from: data)))
      } catch {
        throw MergeError.unreadable(file, "damaged JSON")
      }
    }
    guard let first = parts.first else { throw MergeError.missing(parts: 0, absent: []) }
    for (file, p) in parts.dropFirst() {
      let a = first.file, b = file
      if p.identity != first.part.identity {
        throw MergeError.mismatch(a, b, what: p.model != first.part.model ? "models \(first.part.model) and \(p.model)" : "another version of \(p.model), or other options")
      }
      if p.method != first.part.method || p.minimumTailSize != first.part.minimumTailSize {
        throw MergeError.mismatch(a, b, what: "options: \(first.part.method) min-tail \(first.part.minimumTailSize) against \(p.method) min-tail \(p.minimumTailSize)")
      }
      if p.parts != first.part.parts { throw MergeError.mismatch(a, b, what: "\(first.part.parts) parts against \(p.parts)") }
    }
    let n = first.part.parts
    var seen: [Int: String] = [:]
    for (file, p) in parts {
      if let other = seen[p.part] { throw MergeError.duplicate(p.part, other, file) }
      seen[p.part] = file
    }
    let absent = (1...max(1, n)).filter { seen[$0] == nil }
    guard absent.isEmpty else { throw MergeError.missing(parts: n, absent: absent) }
    let checkpoint = try open(first.part.path)
    let method = SpectrumMethod(rawValue: first.part.method) ?? .gram
    let options = AnalysisOptions(method: method, minimumTailSize: first.part.minimumTailSize)
    let anatomy = Anatomy(checkpoint: checkpoint)
    let plan = AnalysisPlan(checkpoint: checkpoint, anatomy: anatomy, options: options)
    guard plan.identity == first.part.identity else {
      throw MergeError.planChanged(first.file, "\(first.part.model) has changed since the parts were made")
    }
    var measured = Measurements()
    for (file, p) in parts {
      for e in p.matrices {
        guard e.index >= 0, e.index < plan.matrices.count, plan.matrices[e.index].name == e.name else {
          throw MergeError.planChanged(file, "no matrix \(e.name) at \(e.index)")
        }
        measured.matrices[e.index] = e.outcome
      }
      for e in p.vectors {
        guard e.index >= 0, e.index < plan.vectors.count, plan.vectors[e.index].tensor.name == e.name else {
          throw MergeError.planChanged(file, "no vector \(e.name) at \(e.index)")
        }
        measured.vectors[e.index] = e.outcome
      }
    }
    var portrait = assemble(plan, measured, checkpoint: checkpoint, anatomy: anatomy)
    portrait.model = first.part.model
    return portrait
  }
}
