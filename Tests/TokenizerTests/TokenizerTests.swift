import Checkpoint
import Foundation
import Testing
import Tokenizer
import _TestSupport

@Suite("byte-level BPE tokenizer")
struct TokenizerTests {
  static func gpt2() throws -> BytePairTokenizer {
    try #require(FileManager.default.fileExists(atPath: Repository.gpt2Tokenizer + "/vocab.bpe"), "run scripts/bootstrap")
    return try BytePairTokenizer.gpt2(encoder: Repository.gpt2Tokenizer + "/encoder.json", merges: Repository.gpt2Tokenizer + "/vocab.bpe")
  }

  /// Golden ids from OpenAI's tiktoken ("gpt2") on the same files (research note
  /// offline-assets §2), and the research issue's "Hello world" = [15496, 995].
  @Test(arguments: [
    ("Hello world", [15496, 995]),
    ("Hello world, the quick brown fox jumps over the lazy dog.", [15496, 995, 11, 262, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13]),
    (" Hello", [18435]),
    ("I'm here—aren't you?  Yes!!", [40, 1101, 994, 960, 5757, 470, 345, 30, 220, 3363, 3228]),
    ("naïve café 東京 🎵", [2616, 38776, 40304, 10545, 251, 109, 12859, 105, 12520, 236, 113]),
    ("1234567 + 89 = 1234656\n\tTabs", [10163, 2231, 3134, 1343, 9919, 796, 1105, 2682, 37466, 198, 197, 51, 8937]),
    ("<|endoftext|>", [50256]),
  ])
  func gpt2Goldens(_ c: (String, [Int])) throws {
    let t = try Self.gpt2()
    #expect(t.encode(c.0) == c.1)
    #expect(t.decode(c.1) == c.0)
  }

  /// SmolLM2's vocabulary from its GGUF against Hugging Face's `tokenizers` (Rust) fed the same
  /// vocabulary; the tokenizer.json the tool writes is read back by our own reader too.
  @Test func smolLM2MatchesHuggingFaceTokenizers() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let texts = [
      "The capital of France is", "The forest was silent.", "12345 apples and 6.02e23 atoms", "Hello  world\n\n  x",
      "I'm here—aren't you?  Yes!!", "naïve café 東京 🎵", "   leading spaces", "trailing spaces   ", "tabs\tand\r\nnewlines",
      "<|im_start|>user\nHi<|im_end|>", "don't WON'T it'll we've they're I'd", "ÀÉÎõü ß ﬁ", "a\u{0301} e\u{0301}", "",
    ]
    let dir = TemporaryDirectory()
    let input = dir.write("texts.json", bytes: Array(try JSONSerialization.data(withJSONObject: texts)))
    let out = try CommandRunner.python("tokenizer_reference.py", [Repository.smolLM2, dir.file("tokenizer.json"), input])
    #expect(out.status == 0, "\(out.stderr)")
    let expected = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[Int]])
    let fromGGUF = try BytePairTokenizer.gguf(try Checkpoint.openGGUF(at: Repository.smolLM2))
    let fromJSON = try BytePairTokenizer.huggingFace(dir.file("tokenizer.json"))
    for (text, ids) in zip(texts, expected) {
      #expect(fromGGUF.encode(text) == ids, "\(text.debugDescription)")
      #expect(fromJSON.encode(text) == ids, "\(text.debugDescription)")
      #expect(fromGGUF.decode(ids) == text)
    }
    #expect(fromGGUF.tokens.count == 49_152)
  }

  /// Gemma 3's SentencePiece-style vocabulary (scores, byte fallback, user-defined whitespace
  /// runs, control tokens) against Hugging Face transformers' GGUF tokenizer (test tooling).
  @Test func gemma3MatchesTransformers() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap")
    let texts = [
      "The capital of France is", "Hello  world\n\nfoo\tbar 1234 ünïcödé 🎵 <start_of_turn>user", "The forest was silent.",
      "12345 apples and 6.02e23 atoms", "   leading spaces", "trailing spaces   ", "tabs\tand\r\nnewlines", "naïve café 東京 𝄞",
      "<start_of_turn>user\nWrite a poem<end_of_turn>\n<start_of_turn>model\n", "def f(x):\n    return x**2", "a\u{0301} e\u{0301} ﬁ",
      "don't WON'T it'll", "\u{1F3B5}\u{1F3B6}\u{10FFFF}", "",
    ]
    let dir = TemporaryDirectory()
    let input = dir.write("texts.json", bytes: Array(try JSONSerialization.data(withJSONObject: texts)))
    let out = try CommandRunner.python("gguf_tokenizer_reference.py", [Repository.gemma3, input])
    #expect(out.status == 0, "\(out.stderr)")
    let expected = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[Int]])
    let tokenizer = try BytePairTokenizer.gguf(try Checkpoint.openGGUF(at: Repository.gemma3))
    #expect(tokenizer.isSentencePiece && tokenizer.tokens.count == 262_144)
    for (text, ids) in zip(texts, expected) {
      #expect(tokenizer.encode(text) == ids, "\(text.debugDescription)")
      #expect(tokenizer.decode(Array(ids.dropFirst())) == text, "\(text.debugDescription)")
    }
  }

  /// Pieces: every digit alone for SmolLM; GPT-2 keeps digit runs and gives the last space of
  /// a run to the next word.
  @Test func preTokenizers() {
    #expect(PreTokenizer.gpt2.split("a  b 123").map(String.init) == ["a", " ", " b", " 123"])
    #expect(PreTokenizer.digitsThenGPT2.split("a 123").map(String.init) == ["a", " ", "1", "2", "3"])
    #expect(PreTokenizer.gpt2.split("x\n\ny").map(String.init) == ["x", "\n", "\n", "y"])
    #expect(PreTokenizer.gpt2.split("end  ").map(String.init) == ["end", "  "])
    #expect(PreTokenizer.gpt2.split("it's").map(String.init) == ["it", "'s"])
  }

  @Test func malformedFiles() throws {
    #expect(throws: TokenizerError.malformedMerge(0, "abc")) { try BytePairTokenizer(tokens: ["a"], merges: ["abc"], preTokenizer: .gpt2) }
    #expect(throws: TokenizerError.unreadable("/nonexistent/encoder.json")) {
      try BytePairTokenizer.gpt2(encoder: "/nonexistent/encoder.json", merges: "/nonexistent/vocab.bpe")
    }
    let dir = TemporaryDirectory()
    let path = dir.write("tokenizer.json", text: #"{"model": {"type": "WordPiece", "vocab": {}}}"#)
    #expect(throws: TokenizerError.self) { try BytePairTokenizer.huggingFace(path) }
  }
}
