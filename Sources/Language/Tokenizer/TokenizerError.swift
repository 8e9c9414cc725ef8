/// Why a tokenizer cannot be built from a file.
public enum TokenizerError: Error, Sendable, Hashable, CustomStringConvertible {
  case malformedMerge(Int, String)
  case missing(String, in: String)
  case unsupported(String)
  case unreadable(String)

  public var description: String {
    switch self {
    case .malformedMerge(let rank, let line): "merge \(rank) is not two symbols separated by one space: \"\(line.prefix(40))\""
    case .missing(let what, let file): "\(file) has no \(what)"
    case .unsupported(let what): "unsupported tokenizer: \(what)"
    case .unreadable(let path): "cannot read tokenizer file \(path)"
    }
  }
}
