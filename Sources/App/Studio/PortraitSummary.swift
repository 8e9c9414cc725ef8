public import Analysis
import Foundation

/// The part of a portrait the page plots (`GET /api/portrait?model=`): the model-level
/// summary, a row per layer, and every matrix's spectrum thinned to at most
/// ``PortraitSummary/spectrumPoints`` ranks spaced evenly in log(rank), which is how a
/// log–log spectrum plot samples it.
public struct PortraitSummary: Sendable, Hashable, Codable {
  public struct Layer: Sendable, Hashable, Codable {
    public var layer: Int
    public var meanAlpha: Double?
    public var meanStableRank: Double?
    public var meanLogNorm: Double?
    public var tension: Double?
    public var meanKurtosis: Double?

    enum CodingKeys: String, CodingKey {
      case layer, tension
      case meanAlpha = "mean_alpha"
      case meanStableRank = "mean_stable_rank"
      case meanLogNorm = "mean_log_norm"
      case meanKurtosis = "mean_kurtosis"
    }
  }

  public struct Spectrum: Sendable, Hashable, Codable {
    public var name: String
    public var role: String
    public var layer: Int?
    public var alpha: Double?
    /// 1-based ranks of the values kept.
    public var ranks: [Int]
    public var singularValues: [Double]

    enum CodingKeys: String, CodingKey {
      case name, role, layer, alpha, ranks
      case singularValues = "singular_values"
    }
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
        layer: $0.layer, meanAlpha: $0.meanAlpha, meanStableRank: $0.meanStableRank, meanLogNorm: $0.meanLogNorm,
        tension: $0.tension, meanKurtosis: $0.meanKurtosis)
    }
    spectra = portrait.tensors.map { t in
      let ranks = Self.logRanks(count: t.singularValues.count, points: Self.spectrumPoints)
      return Spectrum(name: t.name, role: t.role, layer: t.layer, alpha: t.alpha, ranks: ranks.map { $0 + 1 }, singularValues: ranks.map { t.singularValues[$0] })
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
