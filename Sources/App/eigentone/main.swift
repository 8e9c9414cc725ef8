import CPUFeatures
import ArgumentParser
import Foundation
import Linalg

// OpenBLAS picks its kernels when it is loaded, before this line runs. If it fell back to
// generic kernels on a CPU that has AVX2/FMA, run again with OPENBLAS_CORETYPE set (once: the
// variable is then present, so this never loops). See Linalg.recommendedCoreType().
if let core = Linalg.recommendedCoreType() {
  setenv("OPENBLAS_CORETYPE", core, 1)
  execv("/proc/self/exe", CommandLine.unsafeArgv)
  // If exec fails, carry on with the kernels already loaded.
}
// A forced instruction level (EIGENTONE_ISA, for tests and benchmarks) must be one this CPU runs.
if case .failure(let error) = InstructionLevel.choose(
  forced: ProcessInfo.processInfo.environment[InstructionLevel.environmentVariable], supported: Linalg.supportedLevel)
{
  FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
  exit(1)
}
Eigentone.main()
