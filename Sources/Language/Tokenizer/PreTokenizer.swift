/// How text is cut into pieces before byte-pair merging.
public enum PreTokenizer: Sendable, Hashable, Codable {
  /// GPT-2's pattern `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
  case gpt2
  /// Every digit its own piece first, then GPT-2's pattern on the rest (SmolLM, StarCoder:
  /// llama.cpp's `smollm` pre-tokenizer, Hugging Face's `Digits(individual_digits)` + `ByteLevel`).
  case digitsThenGPT2

  /// The pieces of `text`, in order; concatenated they give `text` back.
  public func split(_ text: String) -> [Substring] {
    switch self {
    case .gpt2: return Self.gpt2Pieces(text[...])
    case .digitsThenGPT2:
      var out: [Substring] = []
      var start = text.unicodeScalars.startIndex
      var i = start
      let scalars = text.unicodeScalars
      while i < scalars.endIndex {
        if Self.isNumber(scalars[i]) {
          if start < i { out += Self.gpt2Pieces(Substring(scalars[start..<i])) }
          let next = scalars.index(after: i)
          out.append(Substring(scalars[i..<next]))
          start = next
          i = next
        } else {
          i = scalars.index(after: i)
        }
      }
      if start < scalars.endIndex { out += Self.gpt2Pieces(Substring(scalars[start..<scalars.endIndex])) }
      return out
    }
  }

  static func isLetter(_ s: Unicode.Scalar) -> Bool {
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
    default: false
    }
  }

  static func isNumber(_ s: Unicode.Scalar) -> Bool {
    switch s.properties.generalCategory {
    case .decimalNumber, .letterNumber, .otherNumber: true
    default: false
    }
  }

  static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

  /// A hand-written scanner with the regular expression's leftmost-alternative semantics.
  static func gpt2Pieces(_ text: Substring) -> [Substring] {
    let s = Array(text.unicodeScalars)
    var indices: [String.UnicodeScalarView.Index] = []
    var idx = text.unicodeScalars.startIndex
    while idx < text.unicodeScalars.endIndex {
      indices.append(idx)
      idx = text.unicodeScalars.index(after: idx)
    }
    indices.append(text.unicodeScalars.endIndex)
    var pieces: [Substring] = []
    var i = 0
    let n = s.count
    func run(from start: Int, while test: (Unicode.Scalar) -> Bool) -> Int {
      var j = start
      while j < n && test(s[j]) { j += 1 }
      return j
    }
    let other: (Unicode.Scalar) -> Bool = { !isSpace($0) && !isLetter($0) && !isNumber($0) }
    while i < n {
      var end = i
      let c = s[i]
      if c == "'" && i + 1 < n {
        let a = s[i + 1]
        if a == "s" || a == "t" || a == "m" || a == "d" {
          end = i + 2
        } else if i + 2 < n, (a == "r" && s[i + 2] == "e") || (a == "v" && s[i + 2] == "e") || (a == "l" && s[i + 2] == "l") {
          end = i + 3
        }
      }
      if end == i {
        let body = c == " " && i + 1 < n ? i + 1 : i
        if body < n && isLetter(s[body]) && (body == i || c == " ") {
          end = run(from: body, while: isLetter)
        } else if body < n && isNumber(s[body]) && (body == i || c == " ") {
          end = run(from: body, while: isNumber)
        } else if body < n && other(s[body]) && (body == i || c == " ") {
          end = run(from: body, while: other)
        } else {
          // Whitespace: \s+(?!\S) — the run, minus its last character when a non-space follows.
          let j = run(from: i, while: isSpace)
          if j == n || j - i == 1 {
            end = j
          } else {
            end = j - 1
          }
        }
      }
      pieces.append(Substring(text.unicodeScalars[indices[i]..<indices[end]]))
      i = end
    }
    return pieces
  }
}
