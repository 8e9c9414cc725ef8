import Inside

/// The report's colours (one place): token categories, the attention ramp and the embedding
/// heatmap's diverging ramp.
enum ReportPalette {
  static let background = "#0d0f14"
  static let panel: (UInt8, UInt8, UInt8) = (0x0b, 0x0d, 0x12)
  static let amber: (UInt8, UInt8, UInt8) = (0xf5, 0xb9, 0x42)
  static let blue: (UInt8, UInt8, UInt8) = (0x3b, 0x82, 0xf6)
  static let orange: (UInt8, UInt8, UInt8) = (0xf5, 0x9e, 0x0b)

  /// A category's colour (and the head profiles' "first" class).
  static func colour(_ category: String) -> String {
    switch category {
    case TokenCategory.special.rawValue: "#e06c75"
    case TokenCategory.wordStart.rawValue, TokenCategory.noteOn.rawValue: "#61afef"
    case TokenCategory.continuation.rawValue, TokenCategory.noteOff.rawValue: "#98c379"
    case TokenCategory.digits.rawValue, TokenCategory.timeShift.rawValue: "#e5c07b"
    case TokenCategory.punctuation.rawValue: "#c678dd"
    default: "#abb2bf"
    }
  }

  static func mix(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8), _ t: Double) -> (UInt8, UInt8, UInt8) {
    func m(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + (Double(y) - Double(x)) * t).rounded()) }
    return (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
  }

  /// Index i: probability (i / 255)², dark to amber (the square root spreads small weights).
  static let attention: [(UInt8, UInt8, UInt8)] = (0..<256).map { mix(panel, amber, Double($0) / 255) }
  /// Index 0 = −scale (blue), 128 ≈ 0 (dark), 255 = +scale (orange).
  static let diverging: [(UInt8, UInt8, UInt8)] = (0..<256).map { i in
    let x = (Double(i) - 127.5) / 127.5
    return x < 0 ? mix(panel, blue, -x) : mix(panel, orange, x)
  }
}
