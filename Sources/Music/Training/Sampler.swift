import Corpora
import Foundation
public import MusicTokens

/// How to draw a piece from a model (`eigentone sample`'s flags).
public struct SampleSettings: Sendable, Hashable {
  /// Stop once the piece reaches this many seconds at ``tempo`` (or at EOS).
  public var seconds = 30.0
  public var tempo = 96.0
  /// Logits are divided by it; near 0 always picks the likeliest token (and sounds "boring").
  public var temperature = 0.9
  /// Keep only the k likeliest tokens (0: all).
  public var topK = 40
  /// Keep the smallest set of likeliest tokens whose probability reaches p (nil: off).
  public var topP: Double?
  public var seed: UInt64 = 1
  /// Pitch classes (0 = C) NOTE_ON may use; nil for all. NOTE_OFFs are never masked, so
  /// every started note can end.
  public var allowedPitchClasses: Set<Int>?
  /// At most this many tokens are drawn (a model that never advances time still stops).
  public var maximumTokens = 20_000

  public init() {}
}

/// Draws token sequences from a model, one token at a time over a sliding window of its
/// context (the whole window is run for each token: a small model needs no cache).
/// Deterministic for a seed. PAD, BOS and genre tokens are never drawn; a sequence always
/// decodes to a valid score (``ScoreTokenizer``).
public enum Sampler {
  public static func sample(model: GPT<Float>, vocabulary: EventVocabulary, prompt: [Int], settings: SampleSettings, genre: Int? = nil) -> [Int] {
    var rng = SplitMix64(seed: settings.seed)
    var ids = prompt.isEmpty ? [EventVocabulary.bos] + (genre.map { [vocabulary.id(.genre($0))] } ?? []) : prompt
    let T = model.config.context
    let V = vocabulary.size
    // Grid steps the piece may last.
    let limit = Int(settings.seconds * settings.tempo / 60 * Double(vocabulary.stepsPerQuarter))
    var now = 0
    var sounding = Set<Int>()
    for id in ids {
      switch vocabulary.token(id) {
      case .timeShift(let n): now += n
      case .noteOn(let p): sounding.insert(p)
      case .noteOff(let p): sounding.remove(p)
      default: break
      }
    }
    var window = [Int32](repeating: 0, count: T)
    var logits = [Double](repeating: 0, count: V)
    var order = [Int](0..<V)
    while ids.count - prompt.count < settings.maximumTokens && now < limit {
      let n = min(T, ids.count)
      for i in 0..<n { window[i] = Int32(ids[ids.count - n + i]) }
      window.withUnsafeBufferPointer { w in _ = model.forward(tokens: w.baseAddress!, targets: nil, batch: 1, time: n) }
      let row = model.logits(row: n - 1)
      for v in 0..<V { logits[v] = Double(row[v]) / max(settings.temperature, 1e-4) }
      for v in 0..<V {
        switch vocabulary.token(v) {
        case .pad, .bos, .genre: logits[v] = -.infinity
        case .noteOn(let p): if let allowed = settings.allowedPitchClasses, !allowed.contains(p % 12) { logits[v] = -.infinity }
        default: break
        }
      }
      let next = draw(&logits, order: &order, topK: settings.topK, topP: settings.topP, rng: &rng)
      ids.append(next)
      switch vocabulary.token(next) {
      case .timeShift(let s): now += s
      case .noteOn(let p): sounding.insert(p)
      case .noteOff(let p): sounding.remove(p)
      case .eos: return ids
      default: break
      }
    }
    // Close what still sounds, then end the piece.
    for p in sounding.sorted() { ids.append(vocabulary.id(.noteOff(p))) }
    ids.append(EventVocabulary.eos)
    return ids
  }

  /// Picks a token from logits (already divided by the temperature) after top-k and top-p.
  static func draw(_ logits: inout [Double], order: inout [Int], topK: Int, topP: Double?, rng: inout SplitMix64) -> Int {
    let V = logits.count
    for i in 0..<V { order[i] = i }
    order.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
    var keep = topK > 0 ? min(topK, V) : V
    while keep > 1 && logits[order[keep - 1]] == -.infinity { keep -= 1 }
    let peak = logits[order[0]]
    var probabilities = (0..<keep).map { exp(logits[order[$0]] - peak) }
    var total = probabilities.reduce(0, +)
    if let p = topP, p < 1 {
      var cumulative = 0.0
      var cut = keep
      for i in 0..<keep {
        cumulative += probabilities[i] / total
        if cumulative >= p {
          cut = i + 1
          break
        }
      }
      probabilities = Array(probabilities.prefix(cut))
      total = probabilities.reduce(0, +)
    }
    var u = rng.unit() * total
    for (i, q) in probabilities.enumerated() {
      u -= q
      if u < 0 { return order[i] }
    }
    return order[probabilities.count - 1]
  }
}
