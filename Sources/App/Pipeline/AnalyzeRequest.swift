public import Analysis

/// `eigentone analyze`: the spectral portrait of every weight matrix, and its spectrum plots.
public struct AnalyzeRequest: PipelineRequest {
  public static let kind = "analyze"

  public var model: String
  public var options: AnalysisOptions
  /// Read and store the portrait in the cache (off: analyse afresh, store nothing).
  public var useCache: Bool
  /// A folder for one SVG spectrum per matrix, and an index.html.
  public var plots: String?

  public init(model: String, options: AnalysisOptions = AnalysisOptions(), useCache: Bool = true, plots: String? = nil) {
    self.model = model
    self.options = options
    self.useCache = useCache
    self.plots = plots
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.check(model)
    guard options.minimumTailSize >= 1 else { throw .badRequest("the minimum tail must be at least 1") }
    guard options.threads >= 0 else { throw .badRequest("the thread count must be 0 or more") }
  }

  /// The portrait (cached or built), with its plots written when asked for.
  public func portrait(_ models: any ModelSource, progress: any PipelineProgress) throws -> Portrait {
    try progress.stage("analysing", at: 0)
    let portrait = try models.portrait(model, options: options, useCache: useCache) { done, total, name in
      progress.update(done, of: total, from: 0, to: 1, item: name)
    }
    if let plots { try PlotFolder.write(portrait.plotFiles(), into: plots) }
    return portrait
  }

  public func run(_ models: any ModelSource, progress: any PipelineProgress) throws -> PipelineResult {
    let portrait = try portrait(models, progress: progress)
    return PipelineResult(
      files: plots.map { ["plots": $0 + "/index.html"] } ?? [:],
      summary: "\(portrait.tensors.count) matrices, \(portrait.layers.count) layers, suggested key \(portrait.summary.suggestedKey.name)")
  }
}
