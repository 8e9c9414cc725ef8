/// How singular values are computed.
public enum SpectrumMethod: String, Sendable, Hashable, Codable, CaseIterable {
  /// Gram matrix of the narrow side accumulated in `Double` (`dsyrk`), eigenvalues by
  /// `dsyevd`, σ = √λ. Streams the matrix in row blocks. Every σ ≥ 10⁻³ σ_max is within
  /// 10⁻⁴ relative (measured far better: about 10⁻⁹ at condition number 10³); below about
  /// √(n ε) σ_max the Gram route cannot resolve σ at all.
  case gram
  /// `dgesdd` on the matrix itself: every σ to about 10⁻¹² relative, but the whole matrix is
  /// held in memory (as `Double`) and it is 3 to 5 times slower.
  case exact
}
