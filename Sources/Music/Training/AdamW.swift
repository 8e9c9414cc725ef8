import Foundation
import Linalg

/// AdamW as PyTorch's `torch.optim.AdamW` computes it (decoupled weight decay): for each
/// parameter `p` with gradient `g` at step `t` (from 1),
///
///     p ← p · (1 − lr·λ)            (only tensors that decay: matrices and embeddings)
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     p ← p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
public struct AdamWSettings: Sendable, Hashable, Codable {
  public var beta1 = 0.9
  /// nanoGPT's and GPT-3's 0.95 (PyTorch's default is 0.999): steadier for short runs.
  public var beta2 = 0.95
  public var epsilon = 1e-8
  public var weightDecay = 0.1

  public init() {}

  enum CodingKeys: String, CodingKey {
    case beta1 = "beta1"
    case beta2 = "beta2"
    case epsilon
    case weightDecay = "weight_decay"
  }
}

/// The optimizer's state: the two moment estimates, same layout as the parameters.
public final class AdamW: @unchecked Sendable {
  public let settings: AdamWSettings
  let m: Buffer<Float>
  let v: Buffer<Float>
  let count: Int
  /// 1 where the parameter decays (matrices and embeddings), else 0; made once.
  let decayFlags: Buffer<UInt8>
  /// One partial sum per part for the gradient norm; made once.
  let partialSums: Buffer<Double>

  public init(layout: ParameterLayout, settings: AdamWSettings = AdamWSettings()) {
    self.settings = settings
    count = layout.count
    m = Buffer(layout.count, zero: 0)
    v = Buffer(layout.count, zero: 0)
    decayFlags = Buffer(layout.count, zero: 0)
    for t in layout.tensors where t.decays { for i in t.offset..<(t.offset + t.count) { decayFlags[i] = 1 } }
    partialSums = Buffer(64, zero: 0)
  }

  deinit {
    m.free()
    v.free()
    decayFlags.free()
    partialSums.free()
  }

  public var moments: (m: [Float], v: [Float]) {
    get { (Array(UnsafeBufferPointer(start: m.p, count: count)), Array(UnsafeBufferPointer(start: v.p, count: count))) }
    set {
      newValue.m.withUnsafeBufferPointer { m.p.update(from: $0.baseAddress!, count: count) }
      newValue.v.withUnsafeBufferPointer { v.p.update(from: $0.baseAddress!, count: count) }
    }
  }

  /// One update of `model`'s parameters from its gradients at step `t` (1-based) with
  /// learning rate `lr`, after scaling the gradients by `gradientScale` (clipping).
  public func step(_ model: GPT<Float>, t: Int, lr: Double, gradientScale: Float = 1) {
    let s = settings
    let b1 = Float(s.beta1), b2 = Float(s.beta2), eps = Float(s.epsilon)
    let c1 = Float(1 - pow(s.beta1, Double(t))), c2 = Float(1 - pow(s.beta2, Double(t)))
    let lrF = Float(lr), decay = Float(1 - lr * s.weightDecay)
    let p = model.params, g = model.grads, m = self.m, v = self.v, decayFlags = self.decayFlags
    model.split(count) { range in
      for i in range {
        let grad = g[i] * gradientScale
        var value = p[i]
        if decayFlags[i] != 0 { value *= decay }
        let mi = b1 * m[i] + (1 - b1) * grad
        let vi = b2 * v[i] + (1 - b2) * grad * grad
        m[i] = mi
        v[i] = vi
        p[i] = value - lrF * (mi / c1) / ((vi / c2).squareRoot() + eps)
      }
    }
  }

  /// The gradients' global L2 norm (summed in a fixed order).
  public func gradientNorm(_ model: GPT<Float>) -> Double {
    let g = model.grads
    let n = model.layout.count
    let parts = min(model.parts, 64)
    let sums = partialSums
    model.pool.run(parts: parts) { part in
      var s = 0.0
      for i in (n * part / parts)..<(n * (part + 1) / parts) { s += Double(g[i]) * Double(g[i]) }
      sums[part] = s
    }
    var total = 0.0
    for k in 0..<parts { total += sums[k] }
    return total.squareRoot()
  }
}
