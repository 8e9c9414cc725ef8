public import Checkpoint
import Foundation

/// Weight orthogonalisation (Arditi et al. 2024, "abliteration"): every matrix that writes to
/// the residual stream loses its component along a unit direction r̂, W ← W − r̂ r̂ᵀ W, so no
/// layer can write r̂ any more and, with the embedding rows orthogonalised too, the residual
/// stream has no component along r̂ at any layer (up to rounding). Shapes do not change.
///
/// Matrices changed (Llama family): the token embedding (each row e ← e − (e·r̂) r̂), every
/// attention output projection and every MLP down projection ([hidden, ·]: each column loses
/// its r̂ component). When the output is tied to the embedding (SmolLM2), the unembedding is the
/// orthogonalised embedding too: the logits can no longer read r̂ directly, which changes them
/// only through the final norm's per-dimension gain (the residual has no r̂ component left to
/// read). The copy is written with Hugging Face names, in F32 (rounding to BF16 would leave a
/// component of about 2⁻⁹ of each weight along r̂), q and k un-permuted from llama.cpp's rotary
/// layout back to Hugging Face's.
///
/// Gemma 3 normalises each block's attention and MLP output before adding it to the residual
/// stream, y = g ⊙ u / rms(u) with g the norm's gains: y has no component along r̂ exactly when
/// u has none along g ⊙ r̂, so its output and down projections are orthogonalised against
/// g ⊙ r̂ (normalised), layer by layer; its norms go back to Hugging Face's w (GGUF stores 1 + w).
public enum Abliteration {
  public enum Failure: Error, Sendable, CustomStringConvertible {
    case unsupported(String)
    case missing(String)
    case shape(String, [Int], expected: String)

    public var description: String {
      switch self {
      case .unsupported(let why): why
      case .missing(let name): "the model has no tensor \(name)"
      case .shape(let name, let shape, let expected): "\(name) has shape \(shape); expected \(expected)"
      }
    }
  }

  /// What happens to one tensor of the copy.
  public struct Plan: Sendable, Hashable {
    public enum Edit: Sendable, Hashable {
      /// Copied (decoded to F32).
      case copy
      /// Rows orthogonalised (the embedding: a row per token, hidden wide).
      case rows
      /// Columns orthogonalised ([hidden, ·]: the matrix writes to the residual stream).
      case columns
    }
    /// The source tensor's name, its Hugging Face name in the copy.
    public var source: String
    public var name: String
    public var shape: [Int]
    public var edit: Edit
    /// llama.cpp stores q and k permuted for its interleaved rotary layout: undo it with this
    /// many heads (nil: as stored).
    public var unpermuteHeads: Int? = nil
    /// Added to every value: −1 on Gemma 3's norms from GGUF (llama.cpp's converter added 1;
    /// Hugging Face stores w and applies 1 + w).
    public var shift: Float = 0
    /// Gemma 3 normalises a block's output before adding it: y = g ⊙ u / rms(u). For y to have
    /// no component along r̂, u must have none along g ⊙ r̂, so the matrix is orthogonalised
    /// against that (normalised) instead: where the gains g are read (nil: along r̂ itself).
    public var gains: Gains? = nil
  }

  /// The norm whose gains scale r̂ for one output matrix: its source name, and what to add to
  /// its stored values to get the gains applied (0 from GGUF, 1 from Hugging Face names).
  public struct Gains: Sendable, Hashable {
    public var norm: String
    public var offset: Float
  }

  /// Which family a checkpoint's names say it is.
  public enum Family: Sendable, Hashable {
    case llama, gemma3
  }

  /// The plan for a Llama-family or Gemma 3 checkpoint (GGUF names or Hugging Face names).
  public static func plan(_ checkpoint: Checkpoint, heads: Int, keyValueHeads: Int, hiddenSize: Int) throws(Failure) -> (Family, [Plan]) {
    let gguf = checkpoint.tensor(named: "blk.0.attn_q.weight") != nil
    let arch = checkpoint.metadata["general.architecture"]?.stringValue ?? checkpoint.config?["model_type"]?.stringValue ?? "llama"
    let family: Family
    if gguf {
      if arch == "gemma3" {
        family = .gemma3
      } else if ["llama", "mistral", "smollm", "granite"].contains(arch) {
        family = .llama
      } else {
        throw .unsupported("abliterate reads the Llama family and Gemma 3; \(arch) is neither")
      }
    } else if checkpoint.tensor(named: "model.layers.0.self_attn.q_norm.weight") != nil, ["gemma3", "gemma3_text"].contains(arch) {
      family = .gemma3
    } else if checkpoint.tensor(named: "model.layers.0.self_attn.q_proj.weight") != nil {
      family = .llama
    } else {
      throw .unsupported("abliterate reads the Llama family (SmolLM2, Llama, Mistral, Qwen 2 without biases) and Gemma 3")
    }
    let top = ["token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight", "output.weight": "lm_head.weight"]
    var parts = [
      "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
      "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
    ]
    if family == .gemma3 {
      parts["ffn_norm"] = "pre_feedforward_layernorm"
      parts["post_attention_norm"] = "post_attention_layernorm"
      parts["post_ffw_norm"] = "post_feedforward_layernorm"
      parts["attn_q_norm"] = "self_attn.q_norm"
      parts["attn_k_norm"] = "self_attn.k_norm"
    }
    var plans: [Plan] = []
    for t in checkpoint.tensors {
      var name = t.name
      var unpermute: Int?
      if gguf {
        if let n = top[t.name] {
          name = n
        } else {
          let pieces = t.name.split(separator: ".")
          guard pieces.count == 4, pieces[0] == "blk", let part = parts[String(pieces[2])] else {
            if t.name == "rope_freqs.weight" { continue }
            throw .unsupported("abliterate does not know the tensor \(t.name)")
          }
          name = "model.layers.\(pieces[1]).\(part).weight"
          // llama.cpp permutes q and k for the Llama family only (Gemma rotates halves).
          if family == .llama, pieces[2] == "attn_q" { unpermute = heads }
          if family == .llama, pieces[2] == "attn_k" { unpermute = keyValueHeads }
        }
      }
      var plan = Plan(source: t.name, name: name, shape: t.shape, edit: .copy, unpermuteHeads: unpermute)
      if name == "model.embed_tokens.weight" {
        guard t.shape.count == 2, t.shape[1] == hiddenSize else { throw .shape(t.name, t.shape, expected: "[vocabulary, \(hiddenSize)]") }
        plan.edit = .rows
      } else if name.hasSuffix("self_attn.o_proj.weight") || name.hasSuffix("mlp.down_proj.weight") {
        guard t.shape.count == 2, t.shape[0] == hiddenSize else { throw .shape(t.name, t.shape, expected: "[\(hiddenSize), ·]") }
        plan.edit = .columns
        if family == .gemma3 {
          let norm = name.replacingOccurrences(of: "self_attn.o_proj", with: "post_attention_layernorm").replacingOccurrences(
            of: "mlp.down_proj", with: "post_feedforward_layernorm")
          let source = gguf ? (plans.first { $0.name == norm }?.source ?? ggufName(of: norm)) : norm
          plan.gains = Gains(norm: source, offset: gguf ? 0 : 1)
        }
      }
      if family == .gemma3, gguf, t.shape.count == 1 { plan.shift = -1 }
      plans.append(plan)
    }
    for required in ["model.embed_tokens.weight", "model.norm.weight"] where !plans.contains(where: { $0.name == required }) {
      throw .missing(required)
    }
    return (family, plans.sorted { $0.name < $1.name })
  }

  /// llama.cpp's name of a Gemma 3 output norm given its Hugging Face name.
  static func ggufName(of norm: String) -> String {
    let pieces = norm.split(separator: ".")
    let layer = pieces.count > 2 ? pieces[2] : "0"
    return "blk.\(layer)." + (norm.contains("post_attention") ? "post_attention_norm" : "post_ffw_norm") + ".weight"
  }

  /// The direction a matrix is orthogonalised against: r̂, or for a Gemma 3 output matrix
  /// g ⊙ r̂ normalised (`gains`: the norm's gains as applied).
  public static func direction(_ r: [Double], gains: [Float]?) -> [Double] {
    guard let gains, gains.count == r.count else { return r }
    let v = zip(r, gains).map { $0 * Double($1) }
    let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return n > 0 ? v.map { $0 / n } : r
  }

  /// `values` (row-major, `shape`) with the edit applied along `r` (unit, hidden wide).
  public static func apply(_ edit: Plan.Edit, to values: inout [Float], shape: [Int], along r: [Double]) {
    guard shape.count == 2 else { return }
    let (rows, cols) = (shape[0], shape[1])
    switch edit {
    case .copy: return
    case .rows:
      // Each row e ← e − (e·r̂) r̂.
      values.withUnsafeMutableBufferPointer { v in
        for i in 0..<rows {
          var dot = 0.0
          for j in 0..<cols { dot += Double(v[i * cols + j]) * r[j] }
          for j in 0..<cols { v[i * cols + j] = Float(Double(v[i * cols + j]) - dot * r[j]) }
        }
      }
    case .columns:
      // W ← W − r̂ (r̂ᵀ W): each column c loses (r̂ · W[:, c]) r̂.
      values.withUnsafeMutableBufferPointer { v in
        var projection = [Double](repeating: 0, count: cols)
        for i in 0..<rows where r[i] != 0 {
          for j in 0..<cols { projection[j] += r[i] * Double(v[i * cols + j]) }
        }
        for i in 0..<rows {
          for j in 0..<cols { v[i * cols + j] = Float(Double(v[i * cols + j]) - r[i] * projection[j]) }
        }
      }
    }
  }

  /// Undoes llama.cpp's rotary permutation of a q or k matrix ([heads · D, in]): in each head,
  /// row 2i + s of the stored matrix is row s · D/2 + i of Hugging Face's.
  public static func unpermute(_ values: [Float], shape: [Int], heads: Int) -> [Float] {
    guard shape.count == 2, heads > 0, shape[0] % (2 * heads) == 0 else { return values }
    let cols = shape[1], D = shape[0] / heads, half = D / 2
    var out = values
    for h in 0..<heads {
      for i in 0..<half {
        for s in 0..<2 {
          let from = (h * D + 2 * i + s) * cols
          let to = (h * D + s * half + i) * cols
          for j in 0..<cols { out[to + j] = values[from + j] }
        }
      }
    }
    return out
  }
}
