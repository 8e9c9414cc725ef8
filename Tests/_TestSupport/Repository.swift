import Foundation

/// Paths inside this checkout, found from the test source location.
public enum Repository {
  /// The repository root (the folder holding Package.swift).
  public static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The default SmolLM2 GGUF, installed by scripts/bootstrap.
  public static let smolLM2 = root + "/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
  /// The default MiniLM folder, installed by scripts/bootstrap.
  public static let miniLM = root + "/models/all-minilm-l6-v2"

  /// music21's corpus folders, unpacked by scripts/bootstrap.
  public static let music21Corpus = root + "/corpora/music21"

  /// GPT-2's tokenizer files, installed by scripts/bootstrap.
  public static let gpt2Tokenizer = root + "/models/gpt2-tokenizer"

  /// Whether `scripts/bootstrap` has installed the default models.
  public static var modelsInstalled: Bool {
    FileManager.default.fileExists(atPath: smolLM2)
      && FileManager.default.fileExists(atPath: miniLM + "/model.safetensors")
      && FileManager.default.fileExists(atPath: gemma3)
  }

  /// Gemma 3 270M (Q4_K_M GGUF), the third default model.
  public static let gemma3 = root + "/models/gemma-3-270m/gemma-3-270m-q4_k_m.gguf"

  /// The built `eigentone` executable next to the test bundle.
  public static var executable: String {
    let candidates = [
      root + "/.build/debug/eigentone",
      root + "/.build/release/eigentone",
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
  }
}
