#if canImport(Glibc)
  import Glibc
#endif
import Foundation

/// The instruction sets Eigentone's own kernels are compiled for, chosen once per process
/// from the CPU's features: the packed matrix product and vector kernels of the forward pass
/// (`PackedGEMM`, `PackedGEMMAVX2`) and the analysis's per-value pass (`AnalysisAVX512`,
/// `AnalysisAVX2`). The scalar level is the reference every other level is tested against.
public enum InstructionLevel: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
  /// Baseline x86-64 (or any other CPU): plain Swift, OpenBLAS for the products.
  case scalar
  /// AVX2 and FMA (Intel Haswell and later, AMD Zen and later): 8-float vectors.
  case avx2
  /// AVX-512 F, BW, VL, DQ and CD (Intel Skylake-SP and later, AMD Zen 4): 16-float vectors.
  case avx512

  public static func < (a: InstructionLevel, b: InstructionLevel) -> Bool {
    allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
  }

  public var description: String { rawValue }

  /// The environment variable that forces a level (for tests and benchmarks).
  public static let environmentVariable = "EIGENTONE_ISA"

  /// Why a forced level cannot be used.
  public enum ChoiceError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknown(String)
    case unsupported(InstructionLevel, best: InstructionLevel)

    public var description: String {
      switch self {
      case .unknown(let text):
        "\(InstructionLevel.environmentVariable)=\(text) is not a level; use one of \(InstructionLevel.allCases.map(\.rawValue).joined(separator: ", "))"
      case .unsupported(let level, let best):
        "\(InstructionLevel.environmentVariable)=\(level) is not supported by this CPU (it has \(best))"
      }
    }
  }

  /// The level to run at: `forced` (the variable's value) when given and supported, else the
  /// best level `supported` allows.
  public static func choose(forced: String?, supported: InstructionLevel) -> Result<InstructionLevel, ChoiceError> {
    guard let forced, !forced.isEmpty else { return .success(supported) }
    guard let level = InstructionLevel(rawValue: forced.lowercased()) else { return .failure(.unknown(forced)) }
    guard level <= supported else { return .failure(.unsupported(level, best: supported)) }
    return .success(level)
  }
}

/// What this CPU can run, read once from `/proc/cpuinfo`: the instruction level the kernels
/// use, the flags that decide it, and the model name for benchmark lines.
public enum CPU {
  /// The best level this CPU (and its kernel) supports, from `/proc/cpuinfo`.
  public static let supportedLevel: InstructionLevel = {
    #if arch(x86_64)
      if hasAVX512 { return .avx512 }
      if info.flags.contains("avx2") && info.flags.contains("fma") { return .avx2 }
    #endif
    return .scalar
  }()

  /// The level the kernels run at: `EIGENTONE_ISA` when set to a supported level, else
  /// ``supportedLevel``. (The command line refuses a bad value before it runs; a library user
  /// gets the best supported level.)
  public static let level: InstructionLevel = {
    let forced = getenv(InstructionLevel.environmentVariable).map { String(cString: $0) }
    return (try? InstructionLevel.choose(forced: forced, supported: supportedLevel).get()) ?? supportedLevel
  }()

  /// The CPU's model name from `/proc/cpuinfo` (for benchmark and timing lines).
  public static let model: String = {
    #if os(Linux)
      guard let file = fopen("/proc/cpuinfo", "r") else { return "unknown CPU" }
      defer { fclose(file) }
      var line = [CChar](repeating: 0, count: 4096)
      while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard text.hasPrefix("model name"), let colon = text.firstIndex(of: ":") else { continue }
        return text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
      }
      return "unknown CPU"
    #else
      return "unknown CPU"
    #endif
  }()

  /// Whether this CPU (and its kernel) runs AVX-512 F, BW, VL, DQ and CD.
  public static let hasAVX512: Bool = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy { info.flags.contains($0) }

  /// The CPU's vendor and feature flags from `/proc/cpuinfo` (empty where there is none).
  public static let info: (vendor: String, flags: Set<String>) = {
    #if os(Linux)
      guard let file = fopen("/proc/cpuinfo", "r") else { return ("", []) }
      defer { fclose(file) }
      var line = [CChar](repeating: 0, count: 8192)
      var vendor = ""
      while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("vendor_id") {
          vendor = text.split(separator: ":").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        }
        guard text.hasPrefix("flags") else { continue }
        let flags = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ":" }).map(String.init)
        return (vendor, Set(flags))
      }
      return (vendor, [])
    #else
      return ("", [])
    #endif
  }()
}
