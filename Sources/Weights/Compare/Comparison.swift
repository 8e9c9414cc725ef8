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
    public var tensor_b: String
    public var role: String
    public var layer: Int?
    public var parameter: String
    public var shape: [Int]
    /// ‖A − B‖_F / ‖A‖_F; exactly 0 for identical tensors; `null` when the shapes differ.
    public var relative_change: Double?
    public var delta_alpha: Double?
    public var delta_stable_rank: Double?
    /// log10(σ_max(B)/σ_max(A)).
    public var delta_log_spectral_norm: Double?
    public var delta_kurtosis: Double?
    /// Wasserstein-1 distance between the distributions of log10 σ of A and B.
    public var spectral_distance: Double?
    public var note: String?

    enum CodingKeys: String, CodingKey {
      case tensor, tensor_b, role, layer, parameter, shape, relative_change, delta_alpha, delta_stable_rank
      case delta_log_spectral_norm, delta_kurtosis, spectral_distance, note
    }

    /// Every key is written, `null` when there is no value, so readers can rely on them.
    public func encode(to encoder: any Encoder) throws {
      var c = encoder.container(keyedBy: CodingKeys.self)
      try c.encode(tensor, forKey: .tensor)
      try c.encode(tensor_b, forKey: .tensor_b)
      try c.encode(role, forKey: .role)
      try c.encode(layer, forKey: .layer)
      try c.encode(parameter, forKey: .parameter)
      try c.encode(shape, forKey: .shape)
      try c.encode(relative_change, forKey: .relative_change)
      try c.encode(delta_alpha, forKey: .delta_alpha)
      try c.encode(delta_stable_rank, forKey: .delta_stable_rank)
      try c.encode(delta_log_spectral_norm, forKey: .delta_log_spectral_norm)
      try c.encode(delta_kurtosis, forKey: .delta_kurtosis)
      try c.encode(spectral_distance, forKey: .spectral_distance)
      try c.encode(note, forKey: .note)
    }
  }

  public struct LayerChange: Sendable, Codable, Hashable {
    public var layer: Int
    public var mean_relative_change: Double
    public var max_relative_change: Double
    public var most_changed: String
  }

  public var model_a: String
  public var model_b: String
  /// Sorted by change, largest first.
  public var ranking: [Entry]
  /// In layer order.
  public var layers: [LayerChange]
  public var only_in_a: [String]
  public var only_in_b: [String]

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
        tensor: ta.name, tensor_b: tb.name, role: x.role.rawValue, layer: x.layer, parameter: x.parameter.rawValue, shape: ta.shape)
      (entry.relative_change, entry.note) = try relativeChange(a, ta, b, tb, role: x.role, anatomies: (anatomyA, anatomyB))
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
        entry.delta_alpha = delta(\.alpha)
        entry.delta_stable_rank = delta(\.stable_rank)
        entry.delta_log_spectral_norm = delta(\.log_spectral_norm)
        entry.delta_kurtosis = delta { $0.kurtosis }
        let la = ma.flatMap { $0.singular_values.filter { $0 > 0 }.map(log10) }
        let lb = mb.flatMap { $0.singular_values.filter { $0 > 0 }.map(log10) }
        if !la.isEmpty && !lb.isEmpty { entry.spectral_distance = Portrait.wasserstein(la, lb) }
      }
      entries.append(entry)
    }
    let onlyB = anatomyB.assignments.enumerated().filter { $0.element.role != .buffer && !matchedB.contains($0.offset) }.map(\.element.tensor)
    entries.sort { ($0.relative_change ?? -1, $1.tensor) > ($1.relative_change ?? -1, $0.tensor) }
    var layers: [LayerChange] = []
    for layer in Set(entries.compactMap(\.layer)).sorted() {
      let es = entries.filter { $0.layer == layer && $0.relative_change != nil }
      guard let top = es.max(by: { ($0.relative_change ?? 0, $1.tensor) < ($1.relative_change ?? 0, $0.tensor) }) else { continue }
      let changes = es.compactMap(\.relative_change)
      layers.append(
        LayerChange(
          layer: layer, mean_relative_change: changes.reduce(0, +) / Double(changes.count),
          max_relative_change: top.relative_change ?? 0, most_changed: top.tensor))
    }
    return Comparison(model_a: a.location, model_b: b.location, ranking: entries, layers: layers, only_in_a: onlyA, only_in_b: onlyB)
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
}
