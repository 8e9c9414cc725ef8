public import Checkpoint

/// The structure of a model: which stored tensor plays which role in which layer.
///
/// Built from a ``Checkpoint`` alone (names, shapes, `config.json` or GGUF metadata); no tensor
/// values are read. An unknown architecture is not an error: tensors the rules cannot place are
/// assigned ``Role/unmapped`` and stay analysable as plain matrices.
public struct Anatomy: Sendable, Hashable, Codable {
  /// `model_type` from `config.json`, `general.architecture` from GGUF, or inferred from names.
  public var architecture: String
  public var family: Family
  public var hyperparameters: Hyperparameters
  /// One verdict per stored tensor, in checkpoint order.
  public var assignments: [TensorAssignment]
  /// Blocks in numeric order (`h.10` after `h.9`), with fused tensors split into roles.
  public var layers: [LayerAnatomy]
  /// Model-level tensors: embeddings, final norm, LM head, pooler.
  public var globals: [RoleSlice]
  /// Add to a stored norm weight to get the effective gain: 1 for Gemma checkpoints in
  /// safetensors (Gemma's RMSNorm computes `x · (1 + w)`), 0 otherwise (GGUF conversion of
  /// Gemma already adds the 1).
  public var normGainOffset: Float
  /// Values in every tensor except buffers.
  public var parameterCount: Int
  /// Whether the LM head shares the token embedding (no separate head tensor).
  public var tiedEmbeddings: Bool
  public var warnings: [String]

  /// Tensors no rule could place.
  public var unmapped: [String] { assignments.filter { $0.role == .unmapped }.map(\.tensor) }
  /// Tensors skipped as buffers.
  public var buffers: [String] { assignments.filter { $0.role == .buffer }.map(\.tensor) }

  /// The model-level slice for `role`, if there is one.
  public func global(_ role: Role) -> RoleSlice? {
    globals.first { $0.role == role && $0.parameter == .weight }
  }

  /// Maps every tensor of `checkpoint` to its role.
  public init(checkpoint: Checkpoint) {
    let names = checkpoint.tensors.map(\.name)
    let isGGUF = checkpoint.format == .gguf
    let architecture = Self.architectureName(checkpoint: checkpoint, names: names)
    let family = Family(architecture: architecture)
    let layerRules = NamingRules.layerRules(family: family, isGGUF: isGGUF)

    var assignments: [TensorAssignment] = []
    var byLayer: [Int: [TensorAssignment]] = [:]
    var globals: [RoleSlice] = []
    var parameterCount = 0
    for tensor in checkpoint.tensors {
      let a = Self.classify(tensor, layerRules: layerRules)
      assignments.append(a)
      if a.role != .buffer { parameterCount += tensor.elementCount }
      if let layer = a.layer {
        byLayer[layer, default: []].append(a)
      } else if a.role != .buffer && a.role != .unmapped {
        globals.append(RoleSlice(role: a.role, parameter: a.parameter, tensor: a.tensor, layout: a.layout))
      }
    }

    var warnings: [String] = []
    var hp = Self.hyperparameters(checkpoint: checkpoint, architecture: architecture, layerIndices: Array(byLayer.keys))
    Self.inferMissing(&hp, checkpoint: checkpoint, assignments: assignments)
    if !byLayer.isEmpty, byLayer.count != hp.layerCount {
      warnings.append("configuration says \(hp.layerCount) layers but the file holds \(byLayer.count)")
    }

    let shapes = Dictionary(checkpoint.tensors.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    let layers = byLayer.keys.sorted().map { index in
      var slices: [RoleSlice] = []
      for a in byLayer[index, default: []] where a.role != .buffer && a.role != .unmapped {
        slices.append(contentsOf: Self.split(a, shape: shapes[a.tensor] ?? [], hyperparameters: hp, warnings: &warnings))
      }
      slices.sort { ($0.role, $0.parameter == .bias ? 1 : 0) < ($1.role, $1.parameter == .bias ? 1 : 0) }
      return LayerAnatomy(index: index, slices: slices)
    }
    globals.sort { ($0.role, $0.parameter == .bias ? 1 : 0) < ($1.role, $1.parameter == .bias ? 1 : 0) }

    self.architecture = architecture
    self.family = family
    self.hyperparameters = hp
    self.assignments = assignments
    self.layers = layers
    self.globals = globals
    self.normGainOffset = family == .gemma && !isGGUF ? 1 : 0
    self.parameterCount = parameterCount
    // Only decoders have an LM head to tie; an encoder (BERT) simply has none.
    let isDecoder = [.gpt2, .llama, .gemma, .phi3].contains(family)
    self.tiedEmbeddings = isDecoder && !globals.contains { $0.role == .lmHead }
    self.warnings = checkpoint.warnings + warnings
  }

  enum CodingKeys: String, CodingKey {
    case architecture, family, hyperparameters, assignments, layers, globals, warnings
    case normGainOffset = "norm_gain_offset"
    case parameterCount = "parameter_count"
    case tiedEmbeddings = "tied_embeddings"
  }
}

extension Anatomy {
  /// Places one tensor: finds its block index and matches its module path against the rules.
  static func classify(_ tensor: TensorInfo, layerRules: [NamingRules.Rule]) -> TensorAssignment {
    let parts = tensor.name.split(separator: ".", omittingEmptySubsequences: false)
    var parameter = Parameter.weight
    var moduleEnd = parts.count
    if let last = parts.last {
      switch last {
      case "weight", "gamma", "scale": moduleEnd -= 1
      case "bias", "beta":
        parameter = .bias
        moduleEnd -= 1
      default: break
      }
    }
    // Multimodal towers are not the language model.
    if parts.contains(where: { $0.hasPrefix("vision") || $0 == "multi_modal_projector" || $0 == "audio_tower" }) {
      return TensorAssignment(tensor: tensor.name, role: .unmapped, parameter: parameter, layer: nil, layout: .other)
    }
    var layer: Int?
    var moduleStart = 0
    for i in 0..<max(0, parts.count - 1) where NamingRules.layerContainers.contains(parts[i]) {
      if let n = Int(parts[i + 1]), n >= 0 {
        layer = n
        moduleStart = i + 2
        break
      }
    }
    let module = parts[min(moduleStart, moduleEnd)..<moduleEnd]
    let layout: (Layout) -> Layout = { ruleLayout in
      if tensor.shape.count == 1 { return .vector }
      if tensor.shape.count != 2 && ruleLayout != .other { return .other }
      return ruleLayout
    }
    if layer != nil {
      // GPT-2's causal-mask buffers: `h.N.attn.bias` / `attn.masked_bias`.
      if module.elementsEqual(["attn"]) && parameter == .bias && tensor.shape.count > 1 {
        return TensorAssignment(tensor: tensor.name, role: .buffer, parameter: .weight, layer: layer, layout: .other)
      }
      if let rule = NamingRules.match(module, layerRules) {
        let role = rule.role
        let finalLayout = parameter == .bias ? Layout.vector : layout(rule.layout)
        return TensorAssignment(tensor: tensor.name, role: role, parameter: parameter, layer: layer, layout: finalLayout)
      }
    } else if let rule = NamingRules.match(module, NamingRules.globalRules) {
      let finalLayout = parameter == .bias ? Layout.vector : layout(rule.layout)
      return TensorAssignment(tensor: tensor.name, role: rule.role, parameter: parameter, layer: nil, layout: finalLayout)
    }
    let fallback: Layout = tensor.shape.count == 1 ? .vector : (tensor.shape.count == 2 ? .outIn : .other)
    return TensorAssignment(tensor: tensor.name, role: .unmapped, parameter: parameter, layer: layer, layout: fallback)
  }

  /// Splits fused tensors into their roles; passes others through.
  static func split(
    _ a: TensorAssignment, shape: [Int], hyperparameters hp: Hyperparameters, warnings: inout [String]
  ) -> [RoleSlice] {
    let whole = RoleSlice(role: a.role, parameter: a.parameter, tensor: a.tensor, layout: a.layout)
    let outAxis = a.layout == .inOut ? 1 : 0
    guard a.role == .attentionQKV || a.role == .mlpGateUp, outAxis < shape.count else { return [whole] }
    let total = a.parameter == .bias ? shape[0] : shape[outAxis]
    let sizes: [Int]
    let roles: [Role]
    if a.role == .mlpGateUp {
      guard total % 2 == 0 else {
        warnings.append("cannot split \(a.tensor): \(total) outputs is odd")
        return [whole]
      }
      sizes = [total / 2, total / 2]
      roles = [.mlpGate, .mlpUp]
    } else {
      roles = [.attentionQuery, .attentionKey, .attentionValue]
      if let h = hp.headCount, let kv = hp.keyValueHeadCount, let d = hp.headDimension, h * d + 2 * kv * d == total {
        sizes = [h * d, kv * d, kv * d]
      } else if total % 3 == 0 {
        sizes = [total / 3, total / 3, total / 3]
      } else {
        warnings.append("cannot split \(a.tensor): \(total) outputs do not divide into q, k and v")
        return [whole]
      }
    }
    var start = 0
    return zip(roles, sizes).map { role, size in
      defer { start += size }
      return RoleSlice(
        role: role, parameter: a.parameter, tensor: a.tensor, outputs: start..<(start + size), layout: a.layout,
        fusedFrom: a.role)
    }
  }

  static func architectureName(checkpoint: Checkpoint, names: [String]) -> String {
    if let type = checkpoint.config?["model_type"]?.stringValue, !type.isEmpty { return type }
    if let arch = checkpoint.metadata["general.architecture"]?.stringValue, !arch.isEmpty { return arch }
    let has = { (fragment: String) in names.contains { $0.contains(fragment) } }
    if has("attn.c_attn") { return "gpt2" }
    if has("encoder.layer.") && has("attention.self.") { return "bert" }
    if has("pre_feedforward_layernorm") { return "gemma3" }
    if has("qkv_proj") && has("gate_up_proj") { return "phi3" }
    if has("self_attn.q_proj") || has("attn_q.") { return "llama" }
    return "unknown"
  }
}
