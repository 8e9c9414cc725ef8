/// The shape of a GPT-2-style music model: learned positions, pre-LayerNorm blocks, a GELU
/// (tanh) MLP of four times the width, output tied to the token embedding.
public struct GPTConfig: Sendable, Hashable, Codable {
  public var layers: Int
  public var width: Int
  public var heads: Int
  /// Context length (learned positions).
  public var context: Int
  public var vocabulary: Int

  /// The genre seed's model: 3 layers, width 128, 4 heads, context 256, the 291-token
  /// vocabulary (about 0.64 M parameters).
  public static let seed = GPTConfig(layers: 3, width: 128, heads: 4, context: 256, vocabulary: 291)

  /// GPT-2's LayerNorm epsilon.
  public static let layerNormEpsilon = 1e-5

  public init(layers: Int, width: Int, heads: Int, context: Int, vocabulary: Int) {
    self.layers = layers
    self.width = width
    self.heads = heads
    self.context = context
    self.vocabulary = vocabulary
  }

  /// Why the shape cannot be built, or nil.
  public var problem: String? {
    if !(1...48).contains(layers) { return "--layers must be 1…48" }
    if !(8...4096).contains(width) { return "--width must be 8…4096" }
    if heads < 1 || width % heads != 0 { return "--heads must divide --width (\(width))" }
    if !(2...8192).contains(context) { return "--context must be 2…8192" }
    if !(4...65_536).contains(vocabulary) { return "vocabulary of \(vocabulary) tokens is outside 4…65536" }
    return nil
  }

  public var headSize: Int { width / heads }
}

/// Where each of the model's tensors lives in the one flat parameter buffer, with its Hugging
/// Face GPT-2 name and shape (Conv1D weights are `[in, out]`, as GPT-2 stores them).
public struct ParameterLayout: Sendable, Hashable {
  public struct Tensor: Sendable, Hashable {
    public var name: String
    public var shape: [Int]
    public var offset: Int
    /// Weight decay applies to matrices and embeddings (rank 2), not to biases and gains.
    public var decays: Bool { shape.count == 2 }
    public var count: Int { shape.reduce(1, *) }
  }

  public var tensors: [Tensor] = []
  public var count = 0

  // Offsets of the tensors the model uses, model-level and per layer.
  var wte = 0, wpe = 0, lnfW = 0, lnfB = 0
  var ln1W: [Int] = [], ln1B: [Int] = [], qkvW: [Int] = [], qkvB: [Int] = [], projW: [Int] = [], projB: [Int] = []
  var ln2W: [Int] = [], ln2B: [Int] = [], fcW: [Int] = [], fcB: [Int] = [], fcProjW: [Int] = [], fcProjB: [Int] = []

  public init(_ c: GPTConfig) {
    let C = c.width
    func add(_ name: String, _ shape: [Int]) -> Int {
      let t = Tensor(name: name, shape: shape, offset: count)
      tensors.append(t)
      count += t.count
      return t.offset
    }
    wte = add("transformer.wte.weight", [c.vocabulary, C])
    wpe = add("transformer.wpe.weight", [c.context, C])
    for l in 0..<c.layers {
      let p = "transformer.h.\(l)."
      ln1W.append(add(p + "ln_1.weight", [C]))
      ln1B.append(add(p + "ln_1.bias", [C]))
      qkvW.append(add(p + "attn.c_attn.weight", [C, 3 * C]))
      qkvB.append(add(p + "attn.c_attn.bias", [3 * C]))
      projW.append(add(p + "attn.c_proj.weight", [C, C]))
      projB.append(add(p + "attn.c_proj.bias", [C]))
      ln2W.append(add(p + "ln_2.weight", [C]))
      ln2B.append(add(p + "ln_2.bias", [C]))
      fcW.append(add(p + "mlp.c_fc.weight", [C, 4 * C]))
      fcB.append(add(p + "mlp.c_fc.bias", [4 * C]))
      fcProjW.append(add(p + "mlp.c_proj.weight", [4 * C, C]))
      fcProjB.append(add(p + "mlp.c_proj.bias", [C]))
    }
    lnfW = add("transformer.ln_f.weight", [C])
    lnfB = add("transformer.ln_f.bias", [C])
  }
}
