import COpenBLAS
import CPUFeatures

#if canImport(Glibc)
  import Glibc
#endif

extension Linalg {
  /// The kernel family OpenBLAS chose for this CPU (`Haswell`, `SkylakeX`, `Prescott`, ...).
  public static var coreName: String {
    guard let name = openblas_get_corename() else { return "unknown" }
    return String(cString: name)
  }

  /// Kernel families older than Haswell: what OpenBLAS 0.3.21 (Debian 12) falls back to when
  /// it does not recognise a newer CPU.
  static let genericCores: Set<String> = [
    "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine", "northwood", "banias",
    "sandybridge", "unknown",
  ]

  /// The `OPENBLAS_CORETYPE` to run with, when OpenBLAS fell back to generic kernels on a CPU
  /// that has AVX2 and FMA; `nil` when its own choice is fine or the variable is already set.
  ///
  /// Debian 12's OpenBLAS does not know recent Intel and AMD server CPUs and then uses its SSE3
  /// "Prescott" kernels, which run the Gram and eigen routines 2 to 3 times slower. Intel CPUs
  /// with AVX-512 (F, BW, VL, DQ, CD) get the SkylakeX kernels (measured here on a Sapphire
  /// Rapids-class Xeon: `dsyrk` 44 ms against 70 ms for Haswell and 150 ms for Prescott, at
  /// 3072 × 768); every other CPU with AVX2 and FMA gets the conservative Haswell kernels,
  /// which any such x86-64 CPU runs correctly.
  public static func recommendedCoreType() -> String? {
    #if os(Linux) && arch(x86_64)
      guard getenv("OPENBLAS_CORETYPE") == nil, genericCores.contains(coreName.lowercased()) else { return nil }
      let cpu = CPU.info
      guard cpu.flags.contains("avx2") && cpu.flags.contains("fma") else { return nil }
      return hasAVX512 && cpu.vendor == "GenuineIntel" ? "SkylakeX" : "Haswell"
    #else
      return nil
    #endif
  }

  /// Whether this CPU (and its kernel) runs AVX-512 F, BW, VL, DQ and CD (``CPU/hasAVX512``).
  public static var hasAVX512: Bool { CPU.hasAVX512 }

}
