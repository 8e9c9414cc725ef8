#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension ModelResolver {
  /// Folder name (under `models/`) of the default model: SmolLM2-135M-Instruct, a real
  /// 30-layer Llama-architecture LLM in 4-bit GGUF, installed by `scripts/bootstrap`.
  public static let defaultModelName = "smollm2-135m-instruct"

  /// The resolver the command line uses: bare names are looked up in `$EIGENTONE_MODELS`,
  /// `./models`, and the `models/` folder of the checkout the executable was built in.
  public static func standard(environment: [String: String]) -> ModelResolver {
    var dirs = ["models"]
    if let exe = executablePath() {
      var dir = Path.directory(of: exe)
      for _ in 0..<6 {
        let candidate = Path.join(dir, "models")
        if Path.isDirectory(candidate), !dirs.contains(candidate) { dirs.append(candidate) }
        let parent = Path.directory(of: dir)
        if parent == dir { break }
        dir = parent
      }
    }
    return ModelResolver(environment: environment, modelDirectories: dirs)
  }

  private static func executablePath() -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
