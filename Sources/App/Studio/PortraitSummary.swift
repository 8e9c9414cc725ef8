public import Analysis
import Foundation

/// The part of a portrait the page plots (`GET /api/portrait?model=`): the model-level
/// summary, a row per layer, and every matrix's spectrum thinned to at most
/// ``PortraitSummary/spectrumPoints`` ranks spaced evenly in log(rank), which is how a
/// log–log spectrum plot samples it.
public struct PortraitSummary: Sendable, Hashable, Codable {
  public struct Layer: Sendable, Hashable, Codable {
    public var layer: Int
    public var mean_alpha: Double?
    public var mean_stable_rank: Double?
    public var mean_log_norm: Double?
    public var tension: Double?
    public var mean_kurtosis: Double?
  }

  public struct Spectrum: Sendable, Hashable, Codable {
    public var name: String
    public var role: String
    public var layer: Int?
    public var alpha: Double?
    /// 1-based ranks of the values kept.
    public var ranks: [Int]
    public var singular_values: [Double]
  }

  /// At most this many points per spectrum: enough for a smooth curve on a page, small enough
  /// that a 30-layer model's summary stays under 200 KB.
  public static let spectrumPoints = 48

  public var model: String
  public var summary: ModelSummary
  public var layers: [Layer]
  public var spectra: [Spectrum]

  public init(model: String, portrait: Portrait) {
    self.model = model
    summary = portrait.summary
    layers = portrait.layers.map {
      Layer(
        layer: $0.layer, mean_alpha: $0.mean_alpha, mean_stable_rank: $0.mean_stable_rank, mean_log_norm: $0.mean_log_norm,
        tension: $0.tension, mean_kurtosis: $0.mean_kurtosis)
    }
    spectra = portrait.tensors.map { t in
      let ranks = Self.logRanks(count: t.singular_values.count, points: Self.spectrumPoints)
      return Spectrum(name: t.name, role: t.role, layer: t.layer, alpha: t.alpha, ranks: ranks.map { $0 + 1 }, singular_values: ranks.map { t.singular_values[$0] })
    }
  }

  /// Up to `points` distinct indices in 0..<count, evenly spaced in log(index + 1), first and
  /// last included.
  static func logRanks(count: Int, points: Int) -> [Int] {
    guard count > points else { return Array(0..<count) }
    var out: [Int] = []
    let top = log(Double(count))
    for i in 0..<points {
      let r = Int((exp(top * Double(i) / Double(points - 1)) - 1).rounded())
      let clamped = min(count - 1, max(0, r))
      if out.last != clamped { out.append(clamped) }
    }
    return out
  }
}
