public import Analysis
import Anatomy
public import Checkpoint

#if canImport(Glibc)
  import Glibc
#endif

/// What changed between two checkpoints of one architecture, tensor by tensor and layer by
/// layer. Tensors are matched by canonical role and layer (so safetensors can be compared with
/// GGUF, f32 with Q4_1); what only one side has is listed.
public struct Comparison: Sendable, Codable {
  public struct Entry: Sendable, Codable, Hashable {
    public var tensor: String
    public var tensorB: String
    public var role: String
    public var layer: Int?
    public var parameter: String
    public var shape: [Int]
    /// ‖A − B‖_F / ‖A‖_F; exactly 0 for identical tensors; `null` when the shapes differ.
    public var relativeChange: Double?
    public var deltaAlpha: Double?
    public var deltaStableRank: Double?
    /// log10(σ_max(B)/σ_max(A)).
    public var deltaLogSpectralNorm: Double?
    public var deltaKurtosis: Double?
    /// Wasserstein-1 distance between the distributions of log10 σ of A and B.
    public var spectralDistance: Double?
    public var note: String?

    enum CodingKeys: String, CodingKey {
      case tensor, role, layer, parameter, shape, note
      case tensorB = "tensor_b"
      case relativeChange = "relative_change"
      case deltaAlpha = "delta_alpha"
      case deltaStableRank = "delta_stable_rank"
      case deltaLogSpectralNorm = "delta_log_spectral_norm"
      case deltaKurtosis = "delta_kurtosis"
      case spectralDistance = "spectral_distance"
    }

    /// Every key is written, `null` when there is no value, so readers can rely on them.
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(tensor, forKey: .tensor)
      try c.encode(tensorB, forKey: .tensorB)
      try c.encode(role, forKey: .role)
      try c.encode(layer, forKey: .layer)
      try c.encode(parameter, forKey: .parameter)
      try c.encode(shape, forKey: .shape)
      try c.encode(relativeChange, forKey: .relativeChange)
      try c.encode(deltaAlpha, forKey: .deltaAlpha)
      try c.encode(deltaStableRank, forKey: .deltaStableRank)
      try c.encode(deltaLogSpectralNorm, forKey: .deltaLogSpectralNorm)
      try c.encode(deltaKurtosis, forKey: .deltaKurtosis)
      try c.encode(spectralDistance, forKey: .spectralDistance)
      try c.encode(note, forKey: .note)
    }
  }

  public struct LayerChange: Sendable, Codable, Hashable {
    public var layer: Int
    public var meanRelativeChange: Double
    public var maxRelativeChange: Double
    public var mostChanged: String

    enum CodingKeys: String, CodingKey {
      case layer
      case meanRelativeChange = "mean_relative_change"
      case maxRelativeChange = "max_relative_change"
      case mostChanged = "most_changed"
    }
  }

  public var modelA: String
  public var modelB: String
  /// Sorted by change, largest first.
  public var ranking: [Entry]
  /// In layer order.
  public var layers: [LayerChange]
  public var onlyInA: [String]
  public var onlyInB: [String]

  /// Compares two checkpoints and their portraits.
  public static func compare(
    _ a: Checkpoint, _ b: Checkpoint, portraits: (Portrait, Portrait), progress: ((Int, Int) -> Void)? = nil
  ) throws -> Comparison {
    let anatomyA = Anatomy(checkpoint: a), anatomyB = Anatomy(checkpoint: b)
    func key(_ x: TensorAssignment) -> String {
      x.role == .unmapped ? "name:" + x.tensor : "\(x.role.rawValue)|\(x.layer ?? -1)|\(x.parameter.rawValue)"
    }
    var indexB: [String: Int] = [:]
    for (i, x) in anatomyB.assignments.enumerated() where x.role != .buffer && indexB[key(x)] == nil { indexB[key(x)] = i }
    var matchedB = Set<Int>()
    var entries: [Entry] = []
    var onlyA: [String] = []
    let pairs = anatomyA.assignments.enumerated().filter { $0.element.role != .buffer }
    for (step, (i, x)) in pairs.enumerated() {
      progress?(step, pairs.count)
      guard let j = indexB[key(x)] else {
        onlyA.append(x.tensor)
        continue
      }
      matchedB.insert(j)
      let ta = a.tensors[i], tb = b.tensors[j]
      var entry = Entry(
        tensor: ta.name, tensorB: tb.name, role: x.role.rawValue, layer: x.layer, parameter: x.parameter.rawValue, shape: ta.shape)
      (entry.relativeChange, entry.note) = try relativeChange(a, ta, b, tb, role: x.role, anatomies: (anatomyA, anatomyB))
      let ma = portraits.0.tensors.filter { $0.tensor == ta.name }, mb = portraits.1.tensors.filter { $0.tensor == tb.name }
      if !ma.isEmpty, !mb.isEmpty {
        func mean(_ ms: [MatrixAnalysis], _ f: (MatrixAnalysis) -> Double?) -> Double? {
          let v = ms.compactMap(f)
          return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        func delta(_ f: (MatrixAnalysis) -> Double?) -> Double? {
          guard let x = mean(ma, f), let y = mean(mb, f) else { return nil }
          return y - x
        }
        entry.deltaAlpha = delta(\.alpha)
        entry.deltaStableRank = delta(\.stableRank)
        entry.deltaLogSpectralNorm = delta(\.logSpectralNorm)
        entry.deltaKurtosis = delta { $0.kurtosis }
        let la = ma.flatMap { $0.singularValues.filter { $0 > 0 }.map(log10) }
        let lb = mb.flatMap { $0.singularValues.filter { $0 > 0 }.map(log10) }
        if !la.isEmpty && !lb.isEmpty { entry.spectralDistance = Portrait.wasserstein(la, lb) }
      }
      entries.append(entry)
    }
    let onlyB = anatomyB.assignments.enumerated().filter { $0.element.role != .buffer && !matchedB.contains($0.offset) }.map(\.element.tensor)
    entries.sort { ($0.relativeChange ?? -1, $1.tensor) > ($1.relativeChange ?? -1, $0.tensor) }
    var layers: [LayerChange] = []
    for layer in Set(entries.compactMap(\.layer)).sorted() {
      let es = entries.filter { $0.layer == layer && $0.relativeChange != nil }
      guard let top = es.max(by: { ($0.relativeChange ?? 0, $1.tensor) < ($1.relativeChange ?? 0, $0.tensor) }) else { continue }
      let changes = es.compactMap(\.relativeChange)
      layers.append(
        LayerChange(
          layer: layer, meanRelativeChange: changes.reduce(0, +) / Double(changes.count),
          maxRelativeChange: top.relativeChange ?? 0, mostChanged: top.tensor))
    }
    return Comparison(modelA: a.location, modelB: b.location, ranking: entries, layers: layers, onlyInA: onlyA, onlyInB: onlyB)
  }

  /// ‖A − B‖/‖A‖, matching layouts: equal shapes directly, transposed 2-D shapes transposed,
  /// and llama.cpp's row permutation of q and k undone when one side is GGUF.
  static func relativeChange(
    _ a: Checkpoint, _ ta: TensorInfo, _ b: Checkpoint, _ tb: TensorInfo, role: Role, anatomies: (Anatomy, Anatomy)
  ) throws -> (Double?, String?) {
    guard ta.dtype.isDecodable, tb.dtype.isDecodable else { return (nil, "cannot decode \(ta.dtype.rawValue)/\(tb.dtype.rawValue)") }
    let x = try a.decode(ta), y = try b.decode(tb)
    var mapping: ((Int) -> Int)?
    var note: String?
    if ta.shape == tb.shape {
      if a.format != b.format, role == .attentionQuery || role == .attentionKey, ta.shape.count == 2,
        anatomies.0.family == .llama || anatomies.1.family == .llama
      {
        let hp = anatomies.0.hyperparameters
        let heads = (role == .attentionQuery ? hp.headCount : hp.keyValueHeadCount) ?? 1
        let rows = ta.shape[0], cols = ta.shape[1]
        let d = rows / max(1, heads), half = d / 2
        if heads > 0, d % 2 == 0, half > 0 {
          let aIsGGUF = a.format == .gguf
          // HF row h·d + i·half + j  ↔  GGUF row h·d + 2j + i.
          mapping = { index in
            let r = index / cols, c = index % cols
            let h = r / d, within = r % d
            let other: Int
            if aIsGGUF {
              let j = within / 2, i = within % 2
              other = h * d + i * half + j
            } else {
              let i = within / half, j = within % half
              other = h * d + 2 * j + i
            }
            return other * cols + c
          }
          note = "rows matched through llama.cpp's q/k permutation"
        }
      }
    } else if ta.shape.count == 2, tb.shape == [ta.shape[1], ta.shape[0]] {
      let cols = ta.shape[1], rowsB = tb.shape[1]
      mapping = { index in (index % cols) * rowsB + index / cols }
      note = "compared transposed (the formats store this matrix in opposite layouts)"
    } else {
      return (nil, "shapes differ: \(ta.shape) and \(tb.shape)")
    }
    var diff = 0.0, norm = 0.0
    for i in x.indices {
      let u = Double(x[i]), v = Double(y[mapping?(i) ?? i])
      if u.isNaN && v.isNaN { continue }
      if u.isFinite { norm += u * u }
      let d = u - v
      if d.isFinite { diff += d * d } else if !(u == v) { diff = .infinity }
    }
    if diff == 0 { return (0, note) }
    return (norm > 0 ? (diff / norm).squareRoot() : diff.squareRoot(), note)
  }

  enum CodingKeys: String, CodingKey {
    case ranking, layers
    case modelA = "model_a"
    case modelB = "model_b"
    case onlyInA = "only_in_a"
    case onlyInB = "only_in_b"
  }
}
