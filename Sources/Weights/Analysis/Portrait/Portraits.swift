public import Checkpoint
import Anatomy

/// Portraits loaded from the on-disk cache, or built (and cached) when missing: the one
/// load-or-build that `analyze`, `compose`, `compare`, `sonify` and the studio all use.
public enum Portraits {
  /// The portrait of `checkpoint`. `progress` receives (tensors done, tensors in all, tensor
  /// name) while a portrait is built; a cached one returns at once. With `useCache` false the
  /// portrait is rebuilt and not stored.
  public static func portrait(
    for checkpoint: Checkpoint, options: AnalysisOptions = AnalysisOptions(), useCache: Bool = true,
    environment: [String: String], progress: (@Sendable (Int, Int, String) -> Void)? = nil
  ) -> Portrait {
    let cache = PortraitCache.standard(environment: environment)
    let key = PortraitCache.key(for: checkpoint, options: options)
    // A cached portrait names the model as it was named when it was built (a relative path, an
    // absolute one, a folder); the portrait of this run names it as this run does.
    if useCache, var cached = cache.load(key: key) {
      cached.model = checkpoint.location
      return cached
    }
    let portrait = Portrait.build(
      checkpoint: checkpoint, anatomy: Anatomy(checkpoint: checkpoint), options: options,
      progress: { done, total, name in progress?(done, total, name) })
    if useCache { try? cache.store(portrait, key: key) }
    return portrait
  }

  /// Whether a cached portrait exists for `checkpoint` analysed with `options`.
  public static func isCached(_ checkpoint: Checkpoint, options: AnalysisOptions = AnalysisOptions(), environment: [String: String]) -> Bool {
    PortraitCache.standard(environment: environment).load(key: PortraitCache.key(for: checkpoint, options: options)) != nil
  }
}
