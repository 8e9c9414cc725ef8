public import Checkpoint

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension BytePairTokenizer {
  /// The tokenizer that belongs to a model: a GGUF file's own vocabulary; beside a safetensors
  /// model, a metadata-only `tokenizer.gguf` (a SentencePiece-style vocabulary with its scores,
  /// as `eigentone abliterate` writes for Gemma 3), its `tokenizer.json`, or GPT-2's
  /// `encoder.json` + `vocab.bpe`; for a GPT-2 model
  /// without either, the GPT-2 files in `gpt2Fallback` (a folder, e.g. `models/gpt2-tokenizer`).
  public static func forModel(_ checkpoint: Checkpoint, gpt2Fallback: String? = nil) throws(TokenizerError) -> BytePairTokenizer {
    if checkpoint.format == .gguf { return try gguf(checkpoint) }
    var folder = checkpoint.location
    var info = stat()
    if stat(folder, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR, let slash = folder.lastIndex(of: "/") {
      folder = String(folder[..<slash])
    }
    func exists(_ path: String) -> Bool { access(path, R_OK) == 0 }
    if exists(folder + "/tokenizer.gguf") {
      do { return try gguf(try Checkpoint.openGGUF(at: folder + "/tokenizer.gguf")) } catch let e as TokenizerError { throw e } catch {
        throw .unreadable(folder + "/tokenizer.gguf")
      }
    }
    if exists(folder + "/tokenizer.json") { return try huggingFace(folder + "/tokenizer.json") }
    if exists(folder + "/encoder.json") && exists(folder + "/vocab.bpe") {
      return try gpt2(encoder: folder + "/encoder.json", merges: folder + "/vocab.bpe")
    }
    let isGPT2 =
      checkpoint.config?["model_type"]?.stringValue == "gpt2" || checkpoint.tensor(named: "h.0.attn.c_attn.weight") != nil
      || checkpoint.tensor(named: "transformer.h.0.attn.c_attn.weight") != nil
    if isGPT2, let fallback = gpt2Fallback, exists(fallback + "/encoder.json") {
      return try gpt2(encoder: fallback + "/encoder.json", merges: fallback + "/vocab.bpe")
    }
    throw .missing("tokenizer (tokenizer.json, or encoder.json + vocab.bpe)", in: folder)
  }
}

extension BytePairTokenizer {
  /// The folder name, under a models directory, of GPT-2's tokenizer files (installed by
  /// `scripts/bootstrap`), used for GPT-2 checkpoints that ship without a tokenizer.
  public static let gpt2FallbackFolder = "gpt2-tokenizer"

  /// The tokenizer of `checkpoint`, with GPT-2's files from the first of `resolver`'s models
  /// directories that has them as the fallback: the one lookup the command line and the
  /// studio share.
  public static func forModel(_ checkpoint: Checkpoint, resolver: ModelResolver) throws(TokenizerError) -> BytePairTokenizer {
    let fallback = resolver.searchDirectories.map { $0 + "/" + gpt2FallbackFolder }.first { access($0 + "/encoder.json", R_OK) == 0 }
    return try forModel(checkpoint, gpt2Fallback: fallback)
  }
}
