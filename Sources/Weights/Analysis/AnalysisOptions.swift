/// Settings that change what ``Portrait`` measures (and so are part of its cache key).
public struct AnalysisOptions: Sendable, Hashable, Codable {
  public var method: SpectrumMethod
  /// Smallest power-law tail the fit may choose. 1 reproduces WeightWatcher; 10 to 50 guards
  /// against the "fingers" (a few outliers fitted with a spuriously large α).
  public var minimumTailSize: Int
  /// Worker threads (tensors are analysed in parallel, one BLAS thread each). Results do not
  /// depend on it.
  public var threads: Int

  public init(method: SpectrumMethod = .gram, minimumTailSize: Int = 1, threads: Int = 0) {
    self.method = method
    self.minimumTailSize = minimumTailSize
    self.threads = threads
  }

  enum CodingKeys: String, CodingKey {
    case method, threads
    case minimumTailSize = "minimum_tail_size"
  }
}
