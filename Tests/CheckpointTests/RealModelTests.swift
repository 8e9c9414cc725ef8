import Checkpoint
import Foundation
import Testing
import _TestSupport

/// The two default models installed by scripts/bootstrap (scripts/test always runs it first).
@Suite("real model files")
struct RealModelTests {
  @Test func miniLMHeader() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let c = try ModelResolver(environment: [:]).open(Repository.miniLM)
    #expect(c.format == .safetensors)
    #expect(c.tensors.count == 104)
    #expect(c.elementCount == 22_713_728)
    #expect(c.metadata["format"] == .string("pt"))
    #expect(c.tensor(named: "embeddings.position_ids")?.dtype == .i64)
    #expect(c.tensor(named: "embeddings.word_embeddings.weight")?.shape == [30522, 384])
    #expect(c.config?["hidden_size"]?.intValue == 384)
  }

  @Test func miniLMPositionIdsDecode() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let c = try ModelResolver(environment: [:]).open(Repository.miniLM)
    let ids = try c.decode(named: "embeddings.position_ids")
    #expect(ids == (0..<512).map(Float.init))
  }

  struct Expectation: Decodable {
    var dtype: String
    var shape: [Int]
    var sum: Double
    var sum_of_squares: Double
    var samples: [String: Double]
  }

  /// Real SmolLM2 tensors (Q8_0, Q4_1, F32) against sums and samples computed by the `gguf`
  /// Python package (Tests/Tooling/make_gguf_fixtures.py).
  @Test func smolLM2DequantizationMatchesReference() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let url = try #require(Bundle.module.url(forResource: "Fixtures/smollm2-expectations", withExtension: "json"))
    let expectations = try JSONDecoder().decode([String: Expectation].self, from: Data(contentsOf: url))
    #expect(expectations.count == 7)
    let c = try Checkpoint.openGGUF(at: Repository.smolLM2)
    for (name, e) in expectations {
      let t = try #require(c.tensor(named: name))
      #expect(t.dtype.rawValue == e.dtype)
      #expect(t.shape == e.shape)
      let values = try c.decode(t)
      var sum = 0.0, squares = 0.0
      for v in values {
        sum += Double(v)
        squares += Double(v) * Double(v)
      }
      #expect(abs(sum - e.sum) <= 1e-6 * max(1, e.sum_of_squares.squareRoot()), "\(name) sum \(sum) vs \(e.sum)")
      #expect(abs(squares - e.sum_of_squares) <= 1e-6 * e.sum_of_squares, "\(name)")
      for (index, value) in e.samples {
        let i = try #require(Int(index))
        #expect(Double(values[i]) == value, "\(name)[\(i)]")
      }
    }
  }

  @Test func smolLM2Header() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    let c = try Checkpoint.openGGUF(at: Repository.smolLM2)
    #expect(c.tensors.count == 272)
    #expect(c.elementCount == 134_515_008)
    #expect(c.metadata["general.architecture"] == .string("llama"))
    #expect(c.metadata["llama.block_count"]?.intValue == 30)
    #expect(c.metadata["tokenizer.ggml.tokens"]?.arrayValue?.count == 49152)
    #expect(c.metadata["tokenizer.ggml.merges"]?.arrayValue?.count == 48900)
    let counts = Dictionary(grouping: c.tensors, by: \.dtype).mapValues(\.count)
    #expect(counts == [.q4_1: 210, .f32: 61, .q8_0: 1])
  }
}
