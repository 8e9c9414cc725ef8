public import Checkpoint
import AtomicFile
import Foundation

extension BytePairTokenizer {
  /// GPT-2's own files: `encoder.json` (token → id) and `vocab.bpe` (a `#version` line, then
  /// one merge per line). `<|endoftext|>` is special.
  public static func gpt2(encoder encoderPath: String, merges mergesPath: String) throws(TokenizerError) -> BytePairTokenizer {
    let json: JSONValue
    do { json = try JSONParser.parse(try contents(encoderPath)) } catch let e as TokenizerError { throw e } catch { throw .unreadable(encoderPath) }
    guard let vocabulary = json.objectValue else { throw .missing("token → id object", in: encoderPath) }
    let tokens = try tokenTable(vocabulary, file: encoderPath)
    let text = String(decoding: try contents(mergesPath), as: UTF8.self)
    let merges = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init).filter { !$0.hasPrefix("#version") }
    let special = vocabulary["<|endoftext|>"]?.intValue.map { ["<|endoftext|>": $0] } ?? [:]
    return try BytePairTokenizer(tokens: tokens, merges: merges, preTokenizer: .gpt2, specialTokens: special)
  }

  /// A Hugging Face `tokenizer.json` whose model is byte-level BPE (GPT-2, SmolLM, Llama 3,
  /// Qwen 2), with a `ByteLevel` pre-tokenizer, optionally after `Digits(individual_digits)`.
  public static func huggingFace(_ path: String) throws(TokenizerError) -> BytePairTokenizer {
    let json: JSONValue
    do { json = try JSONParser.parse(try contents(path)) } catch let e as TokenizerError { throw e } catch { throw .unreadable(path) }
    guard let model = json["model"], model["type"]?.stringValue == "BPE" else {
      throw .unsupported("\(path): model type \(json["model"]?["type"]?.stringValue ?? "missing") (only BPE is read)")
    }
    guard let vocabulary = model["vocab"]?.objectValue else { throw .missing("model.vocab", in: path) }
    var tokens = try tokenTable(vocabulary, file: path)
    guard let mergeList = model["merges"]?.arrayValue else { throw .missing("model.merges", in: path) }
    let merges = try mergeList.map { (m: JSONValue) throws(TokenizerError) -> String in
      if let s = m.stringValue { return s }
      if let pair = m.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue { return a + " " + b }
      throw .missing("merges as \"a b\" or [a, b]", in: path)
    }
    var special: [String: Int] = [:]
    for added in json["added_tokens"]?.arrayValue ?? [] {
      guard let id = added["id"]?.intValue, let content = added["content"]?.stringValue else { continue }
      if id >= tokens.count { tokens += [String](repeating: "", count: id - tokens.count + 1) }
      tokens[id] = content
      special[content] = id
    }
    let pre = try preTokenizer(json["pre_tokenizer"], file: path)
    return try BytePairTokenizer(tokens: tokens, merges: merges, preTokenizer: pre, specialTokens: special)
  }

  /// The vocabulary stored in a GGUF file's metadata (`tokenizer.ggml.*`, model `gpt2`, i.e.
  /// byte-level BPE).
  public static func gguf(_ checkpoint: Checkpoint) throws(TokenizerError) -> BytePairTokenizer {
    let m = checkpoint.metadata
    let file = checkpoint.location
    guard let model = m["tokenizer.ggml.model"]?.stringValue else { throw .missing("tokenizer.ggml.model", in: file) }
    guard model == "gpt2" || model == "llama" else {
      throw .unsupported("\(file): tokenizer.ggml.model = \(model) (gpt2, byte-level BPE, and llama, SentencePiece BPE, are read)")
    }
    guard let tokenValues = m["tokenizer.ggml.tokens"]?.arrayValue else { throw .missing("tokenizer.ggml.tokens", in: file) }
    let tokens = tokenValues.map { $0.stringValue ?? "" }
    func flag(_ key: String) -> Bool? { m[key].map { if case .bool(let b) = $0 { b } else { false } } }
    if model == "llama" {
      guard let scoreValues = m["tokenizer.ggml.scores"]?.arrayValue, scoreValues.count == tokens.count else {
        throw .missing("tokenizer.ggml.scores", in: file)
      }
      var special: [String: Int] = [:]
      for (id, type) in (m["tokenizer.ggml.token_type"]?.arrayValue ?? []).enumerated() where type.intValue == 3 || type.intValue == 4 {
        if id < tokens.count, !tokens[id].isEmpty { special[tokens[id]] = id }
      }
      let bos = flag("tokenizer.ggml.add_bos_token") ?? true ? m["tokenizer.ggml.bos_token_id"]?.intValue : nil
      return BytePairTokenizer(
        sentencePiece: tokens, scores: scoreValues.map { Float($0.doubleValue ?? 0) }, specialTokens: special, beginningOfText: bos,
        addSpacePrefix: flag("tokenizer.ggml.add_space_prefix") ?? true)
    }
    let merges = (m["tokenizer.ggml.merges"]?.arrayValue ?? []).compactMap(\.stringValue)
    // Token type 3 is "control" (special), 4 "user defined".
    var special: [String: Int] = [:]
    for (id, type) in (m["tokenizer.ggml.token_type"]?.arrayValue ?? []).enumerated() where type.intValue == 3 || type.intValue == 4 {
      if id < tokens.count { special[tokens[id]] = id }
    }
    let pre: PreTokenizer
    switch m["tokenizer.ggml.pre"]?.stringValue ?? "default" {
    case "smollm", "starcoder", "refact", "codeshell": pre = .digitsThenGPT2
    case "gpt2", "default", "gpt-2": pre = .gpt2
    case let other: throw .unsupported("\(file): pre-tokenizer \"\(other)\"")
    }
    let addBOS = m["tokenizer.ggml.add_bos_token"].map { if case .bool(let b) = $0 { b } else { false } } ?? false
    let bos = addBOS ? m["tokenizer.ggml.bos_token_id"]?.intValue : nil
    return try BytePairTokenizer(tokens: tokens, merges: merges, preTokenizer: pre, specialTokens: special, beginningOfText: bos)
  }

  static func tokenTable(_ vocabulary: JSONObject, file: String) throws(TokenizerError) -> [String] {
    var tokens = [String](repeating: "", count: vocabulary.count)
    for key in vocabulary.keys {
      guard let id = vocabulary[key]?.intValue, id >= 0, id < 10_000_000 else { throw .missing("integer id for \"\(key.prefix(20))\"", in: file) }
      if id >= tokens.count { tokens += [String](repeating: "", count: id - tokens.count + 1) }
      tokens[id] = key
    }
    return tokens
  }

  static func preTokenizer(_ config: JSONValue?, file: String) throws(TokenizerError) -> PreTokenizer {
    guard let config, let type = config["type"]?.stringValue else { return .gpt2 }
    switch type {
    case "ByteLevel": return .gpt2
    case "Sequence":
      let types = (config["pretokenizers"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
      if types == ["ByteLevel"] { return .gpt2 }
      if types == ["Digits", "ByteLevel"] { return .digitsThenGPT2 }
      throw .unsupported("\(file): pre-tokenizer sequence \(types)")
    default: throw .unsupported("\(file): pre-tokenizer \(type)")
    }
  }

  static func contents(_ path: String) throws(TokenizerError) -> [UInt8] {
    guard let bytes = AtomicFile.read(path) else { throw .unreadable(path) }
    return bytes
  }
}

extension BytePairTokenizer {
  /// A Hugging Face `tokenizer.json` for this byte-level tokenizer with `merges` (highest
  /// priority first; a GGUF file's `tokenizer.ggml.merges`): the BPE model, its ByteLevel
  /// pre-tokenizer (after Digits for SmolLM's), decoder and post-processor, and the special
  /// tokens as added tokens. Keys sorted, so the bytes are the same run after run.
  public func huggingFaceJSON(merges: [String]) throws(TokenizerError) -> [UInt8] {
    guard scores == nil else { throw .unsupported("a SentencePiece-style tokenizer cannot be written as tokenizer.json here (byte-level BPE only)") }
    func byteLevel(prefix: Bool) -> [String: Any] { ["type": "ByteLevel", "add_prefix_space": prefix, "trim_offsets": true, "use_regex": true] }
    let pre: [String: Any]
    switch preTokenizer {
    case .gpt2: pre = byteLevel(prefix: false)
    case .digitsThenGPT2:
      pre = ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true], byteLevel(prefix: false)]]
    }
    var vocabulary: [String: Int] = [:]
    for (id, token) in tokens.enumerated() where vocabulary[token] == nil { vocabulary[token] = id }
    let added: [[String: Any]] = specialTokens.sorted { $0.value < $1.value }.map { content, id in
      ["id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true]
    }
    let document: [String: Any] = [
      "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added, "normalizer": NSNull(), "pre_tokenizer": pre,
      "post_processor": byteLevel(prefix: true), "decoder": byteLevel(prefix: true),
      "model": [
        "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(), "end_of_word_suffix": NSNull(), "fuse_unk": false,
        "byte_fallback": false, "ignore_merges": false, "vocab": vocabulary, "merges": merges,
      ] as [String: Any],
    ]
    do { return Array(try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) } catch {
      throw .unsupported("tokenizer.json could not be written: \(error)")
    }
  }
}
