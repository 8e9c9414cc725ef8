public import CPUFeatures

extension Linalg {
  /// The best level this CPU supports (``CPU/supportedLevel``).
  public static var supportedLevel: InstructionLevel { CPU.supportedLevel }
  /// The level the kernels run at (``CPU/level``: `EIGENTONE_ISA`, else the best supported).
  public static var level: InstructionLevel { CPU.level }
  /// The CPU's model name.
  public static var cpuModel: String { CPU.model }
}
