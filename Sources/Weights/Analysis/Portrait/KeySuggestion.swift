#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The key a model suggests, from statistics that really differ between models.
///
/// - Root: the token embedding's effective rank r = exp(H) (H the spectral entropy in nats).
///   The fractional part of log₂ r picks one of twelve steps around the circle of fifths, so
///   models whose embeddings use their dimensions differently land on different roots.
/// - Mode: the mean power-law α over all matrices (WeightWatcher's training-quality signal):
///   strongly correlated weights (α near 2) get the brightest mode, Lydian; weights close to
///   random (α ≥ 5.6) the darkest, Locrian, in steps of 0.6.
/// When a statistic is missing (no embedding, no power-law fits) the stable rank of the first
/// matrix stands in, and `reason` says so. The originals used a component vector's norm,
/// which is always 1, and so always chose C.
public struct KeySuggestion: Sendable, Hashable, Codable {
  /// Pitch class of the tonic, 0 = C … 11 = B.
  public var root: Int
  /// Note name of the tonic (sharps).
  public var tonic: String
  /// Mode name: lydian, ionian, mixolydian, dorian, aeolian, phrygian or locrian.
  public var mode: String
  /// "D dorian".
  public var name: String
  /// The statistics behind the choice.
  public var reason: String

  public static let names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
  public static let modesBrightToDark = ["lydian", "ionian", "mixolydian", "dorian", "aeolian", "phrygian", "locrian"]

  public init(rootStatistic: Double, rootSource: String, meanAlpha: Double?) {
    let l = log2(max(rootStatistic, 1e-12))
    let fraction = l - floor(l)
    let step = min(11, Int(fraction * 12))
    root = (step * 7) % 12
    tonic = Self.names[root]
    let modeIndex: Int
    if let a = meanAlpha, a.isFinite {
      modeIndex = max(0, min(6, Int(floor((a - 2) / 0.6))))
    } else {
      modeIndex = 3
    }
    mode = Self.modesBrightToDark[modeIndex]
    name = tonic + " " + mode
    let alphaText = meanAlpha.map { "mean alpha \(Self.format($0))" } ?? "no power-law fits (dorian by default)"
    reason = "\(rootSource) \(Self.format(rootStatistic)) (log2 fraction \(Self.format(fraction)) → step \(step) on the circle of fifths); \(alphaText)"
  }

  static func format(_ x: Double) -> String {
    let scaled = (x * 1000).rounded() / 1000
    return "\(scaled)"
  }
}
