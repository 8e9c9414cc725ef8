import Corpora
import Foundation

extension GPT {
  /// GPT-2's initialisation (Hugging Face `GPT2PreTrainedModel._init_weights`): every matrix
  /// and embedding from N(0, 0.02²), the two residual projections (`attn.c_proj`,
  /// `mlp.c_proj`) from N(0, (0.02/√(2·layers))²), biases 0, LayerNorm gains 1. Normal values
  /// by Box–Muller from a ``SplitMix64`` seeded with `seed`, tensor by tensor in layout order,
  /// so a seed gives the same model on every machine.
  public func initialize(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let range = 0.02
    for t in layout.tensors {
      let p = params.p + t.offset
      if t.shape.count == 2 {
        let std = t.name.hasSuffix("c_proj.weight") ? range / (2 * Double(config.layers)).squareRoot() : range
        var i = 0
        while i < t.count {
          let (a, b) = rng.gaussianPair()
          p[i] = S(a * std)
          if i + 1 < t.count { p[i + 1] = S(b * std) }
          i += 2
        }
      } else {
        let value: S = t.name.hasSuffix("ln_1.weight") || t.name.hasSuffix("ln_2.weight") || t.name.hasSuffix("ln_f.weight") ? 1 : 0
        for i in 0..<t.count { p[i] = value }
      }
    }
  }
}

extension GPTConfig {
  /// The token embedding (`vocabulary × width`, row-major) of an untrained model of this shape
  /// initialised with `seed` (``GPT/initialize(seed:)``): what `eigentone train --seed` starts
  /// from, and the report's untrained twin.
  public func initialEmbedding(seed: UInt64) -> [Float] {
    let model = GPT<Float>(config: self, maxBatch: 1)
    model.initialize(seed: seed)
    let values = model.parameters
    let offset = model.layout.wte
    return Array(values[offset..<(offset + vocabulary * width)])
  }
}
