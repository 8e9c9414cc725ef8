/// Why a sonification cannot be made.
public enum SonifyError: Error, Sendable, Hashable, CustomStringConvertible {
  case corpusMissing(String)
  case corpusTooSmall(Int)
  case noWords
  case mapMismatch(String)

  public var description: String {
    switch self {
    case .corpusMissing(let p): "cannot read the reference corpus \(p) (install wordnet-base, or pass --corpus FILE)"
    case .corpusTooSmall(let n): "the reference corpus gave \(n) usable sentences; at least 8 are needed"
    case .noWords: "the prompt has no words"
    case .mapMismatch(let why): "the activation map does not fit this model: \(why)"
    }
  }
}
