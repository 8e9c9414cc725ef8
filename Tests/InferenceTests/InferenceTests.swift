import Checkpoint
import Foundation
import Inference
import Testing
import Tokenizer
import _TestSupport

@Suite("forward pass")
struct InferenceTests {
  static let fixtures = Bundle.module.resourcePath! + "/Fixtures"

  struct Expected: Decodable {
    var tokens: [Int]
    var hidden_states: [[Double]]
    var attention: [[Double]]
    var logits: [Double]
  }

  static func expected(_ name: String) throws -> Expected {
    let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "/expected.json"))
    return try #require(try JSONDecoder().decode([String: Expected].self, from: data)[name])
  }

  /// Largest |ours − theirs| / max|theirs| over a vector.
  static func relativeError(_ ours: [Float], _ theirs: [Double]) -> Double {
    let scale = max(theirs.map(abs).max() ?? 1, 1e-12)
    return zip(ours, theirs).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? .infinity
  }

  /// Every layer's hidden states, every head's attention and the logits agree with an
  /// independent numpy implementation (Tests/Tooling/make_inference_fixtures.py) to 1e-4
  /// relative: GPT-2 (Conv1D, learned positions, gelu_new), Llama with Hugging Face names
  /// (rotate-half RoPE, GQA, SwiGLU) and the same Llama as llama.cpp stores it in GGUF (q/k
  /// permuted, interleaved RoPE).
  @Test(arguments: [("gpt2", "gpt2-tiny"), ("llama", "llama-tiny"), ("llama", "llama-tiny.gguf")])
  func matchesNumpy(_ c: (String, String)) throws {
    let expected = try Self.expected(c.0)
    let resolver = ModelResolver(environment: [:])
    let streaming = try LanguageModel(checkpoint: try resolver.openPath(Self.fixtures + "/" + c.1))
    // Both ways of running it: weights streamed from the file (OpenBLAS products), and
    // preloaded (packed AVX-512 kernels where the CPU has them).
    for model in [streaming, try streaming.preloaded()] {
      try check(model, expected, c.1)
    }
  }

  func check(_ model: LanguageModel, _ expected: Expected, _ name: String) throws {
    let c = (name, name)
    let pass = try model.forward(expected.tokens)
    #expect(pass.hiddenStates.count == expected.hidden_states.count)
    for (l, (ours, theirs)) in zip(pass.hiddenStates, expected.hidden_states).enumerated() {
      let e = Self.relativeError(ours, theirs)
      #expect(e < 1e-4, "\(c.1) hidden state \(l): relative error \(e)")
    }
    for (l, (ours, theirs)) in zip(pass.attention, expected.attention).enumerated() {
      #expect(Self.relativeError(ours, theirs) < 1e-4, "\(c.1) attention \(l)")
    }
    #expect(Self.relativeError(pass.logits, expected.logits) < 1e-4, "\(c.1) logits")
  }

  /// The real SmolLM2 (4-bit GGUF) ranks " Paris" first after "The capital of France is".
  @Test func smolLM2KnowsParis() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let checkpoint = try Checkpoint.openGGUF(at: Repository.smolLM2)
    let tokenizer = try BytePairTokenizer.gguf(checkpoint)
    let pass = try LanguageModel(checkpoint: checkpoint).forward(tokenizer.encode("The capital of France is"))
    let best = pass.top(3)
    #expect(tokenizer.text(of: best[0].token) == " Paris", "\(best.map { (tokenizer.text(of: $0.token), $0.probability) })")
    #expect(best[0].probability > 0.5)
    #expect(pass.hiddenStates.count == 31 && pass.attention.count == 30)
    // Attention rows are distributions.
    let T = pass.tokens.count
    for t in 0..<T {
      let row = (0..<T).map { pass.attention[12][(0 * T + t) * T + $0] }
      #expect(abs(row.reduce(0, +) - 1) < 1e-5)
    }
  }

  @Test func badInputs() throws {
    let model = try LanguageModel(checkpoint: try ModelResolver(environment: [:]).openPath(Self.fixtures + "/gpt2-tiny"))
    #expect(throws: InferenceError.emptyPrompt) { try model.forward([]) }
    #expect(throws: InferenceError.tokenOutOfRange(64, vocabulary: 64)) { try model.forward([1, 64]) }
    #expect(throws: InferenceError.tooLong(tokens: 33, limit: 32)) { try model.forward(Array(repeating: 1, count: 33)) }
    let bert = TemporaryDirectory()
    let path = try SyntheticModels.write(SyntheticModels.bert(), to: bert)
    #expect(throws: InferenceError.self) { try LanguageModel(checkpoint: try ModelResolver(environment: [:]).openPath(path)) }
  }
}

extension InferenceTests {
  /// A batch of prompts gives each prompt the hidden states it gets alone (attention and
  /// positions stay within a prompt).
  @Test(arguments: ["gpt2-tiny", "llama-tiny.gguf"])
  func batchEqualsSeparatePasses(_ name: String) throws {
    let model = try LanguageModel(checkpoint: try ModelResolver(environment: [:]).openPath(Self.fixtures + "/" + name))
    let a = [3, 17, 42], b = [5, 60, 8, 33, 1]
    let batch = try model.forward(batch: [a, b], logits: false)
    let alone = [try model.forward(a), try model.forward(b)]
    for l in 0...model.layers {
      for (k, pass) in alone.enumerated() {
        let rows = batch.segments[k]
        let ours = Array(batch.hiddenStates[l][(rows.lowerBound * model.hiddenSize)..<(rows.upperBound * model.hiddenSize)])
        #expect(Self.relativeError(ours, pass.hiddenStates[l].map(Double.init)) < 1e-5, "\(name) layer \(l) prompt \(k)")
      }
    }
  }
}

extension InferenceTests {
  /// A model loaded into memory (stacked q/k/v and gate/up products) computes what the
  /// streaming one does.
  @Test(arguments: ["llama-tiny", "llama-tiny.gguf", "gpt2-tiny"])
  func preloadedEqualsStreaming(_ name: String) throws {
    let model = try LanguageModel(checkpoint: try ModelResolver(environment: [:]).openPath(Self.fixtures + "/" + name))
    let tokens = [3, 17, 42, 5, 60, 8, 33]
    let streaming = try model.forward(tokens), loaded = try model.preloaded().forward(tokens)
    for l in 0...model.layers {
      #expect(Self.relativeError(loaded.hiddenStates[l], streaming.hiddenStates[l].map(Double.init)) < 1e-5, "\(name) layer \(l)")
    }
    #expect(Self.relativeError(loaded.logits, streaming.logits.map(Double.init)) < 1e-5)
  }
}
