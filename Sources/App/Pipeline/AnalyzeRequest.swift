public import Analysis
import Anatomy

/// `eigentone analyze`: the spectral portrait of every weight matrix, and its spectrum plots.
public struct AnalyzeRequest: PipelineRequest {
  public static let kind = "analyze"

  public var model: String
  public var options: AnalysisOptions
  /// Read and store the portrait in the cache (off: analyse afresh, store nothing).
  public var useCache: Bool
  /// A folder for one SVG spectrum per matrix, and an index.html.
  public var plots: String?
  /// Keep each matrix's result here as it finishes (a killed run resumes; ``WorkFolder``).
  public var work: String?
  /// Bytes the analysis may hold: fewer workers, or a one-line error naming a matrix that
  /// cannot fit (``ShardedAnalysis/workers(_:items:requested:memory:)``).
  public var memory: Int?

  public init(
    model: String, options: AnalysisOptions = AnalysisOptions(), useCache: Bool = true, plots: String? = nil, work: String? = nil, memory: Int? = nil
  ) {
    self.model = model
    self.options = options
    self.useCache = useCache
    self.plots = plots
    self.work = work
    self.memory = memory
  }

  public func validate(_ models: any ModelSource) throws(PipelineError) {
    try models.check(model)
    guard options.minimumTailSize >= 1 else { throw .badRequest("the minimum tail must be at least 1") }
    guard options.threads >= 0 else { throw .badRequest("the thread count must be 0 or more") }
  }

  /// The portrait (cached or built), with its plots written when asked for.
  public func portrait(_ models: any ModelSource, progress: any PipelineProgress) throws -> Portrait {
    try progress.stage("analysing", at: 0)
    let portrait: Portrait
    if (work != nil || memory != nil) && !(useCache && models.hasPortrait(model, options: options)) {
      // Resumable and memory-bounded: the plan measured item by item (not stored in the cache).
      let checkpoint = try models.checkpoint(model)
      let anatomy = Anatomy(checkpoint: checkpoint)
      let plan = AnalysisPlan(checkpoint: checkpoint, anatomy: anatomy, options: options)
      let (workers, bound) = try ShardedAnalysis.workers(plan, items: plan.items, requested: options.threads, memory: memory)
      progress.note(bound)
      let folder = try work.map { try WorkFolder(path: $0, identity: plan.identity) }
      let measured = Portrait.measure(plan, items: plan.items, checkpoint: checkpoint, anatomy: anatomy, workers: workers, work: folder) { done, total, name in
        progress.update(done, of: total, from: 0, to: 1, item: name)
      }
      if let report = folder?.report, report.kept > 0 || !report.rejected.isEmpty {
        progress.note("resumed: \(report.kept) results kept" + (report.rejected.isEmpty ? "" : "; damaged, measured again: \(report.rejected.joined(separator: ", "))"))
      }
      portrait = Portrait.assemble(plan, measured, checkpoint: checkpoint, anatomy: anatomy)
    } else {
      portrait = try models.portrait(model, options: options, useCache: useCache) { done, total, name in
        progress.update(done, of: total, from: 0, to: 1, item: name)
      }
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
