/// Why a model file was rejected or a tensor could not be read: names the file, the tensor
/// (when one is involved) and the reason.
public struct CheckpointError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file (or model name, for resolution errors) the error is about.
  public var file: String
  /// The tensor involved, if any.
  public var tensor: String?
  public var reason: Reason

  public init(file: String, tensor: String? = nil, reason: Reason) {
    self.file = file
    self.tensor = tensor
    self.reason = reason
  }

  /// One line, suitable for a command-line error message.
  public var description: String {
    var text = file
    if let tensor { text += ": tensor \"\(tensor)\"" }
    return text + ": " + reason.description
  }

  /// Every reason a checkpoint can be refused.
  public enum Reason: Hashable, Sendable, CustomStringConvertible {
    // Files
    case cannotOpen(String)
    case truncated(String)
    // safetensors header
    case headerTooSmall(fileSize: Int)
    case headerTooLarge(length: UInt64)
    case headerPastEnd(length: UInt64, fileSize: Int)
    case invalidUTF8
    case invalidJSON(String)
    case headerNotObject
    case invalidMetadata(String)
    case missingField(String)
    case invalidField(field: String, detail: String)
    case unknownDType(String)
    case sizeOverflow
    case subByteMisaligned
    case byteCountMismatch(expected: UInt64, actual: UInt64)
    case offsetNotZero(begin: UInt64)
    case offsetEndBeforeBegin(begin: UInt64, end: UInt64)
    case offsetGap(previousEnd: UInt64, begin: UInt64)
    case offsetOverlap(previousEnd: UInt64, begin: UInt64)
    case dataSizeMismatch(expected: UInt64, actual: UInt64)
    case duplicateTensor
    // GGUF
    case badMagic
    case unsupportedVersion(UInt32)
    case countTooLarge(what: String, count: UInt64)
    case unknownValueType(UInt32)
    case nestingTooDeep
    case unknownGGMLType(UInt32)
    case invalidAlignment(UInt64)
    case misalignedOffset(offset: UInt64, alignment: UInt64)
    case outOfBounds(end: UInt64, fileSize: Int)
    case rowNotBlockMultiple(rowLength: Int, blockSize: Int)
    case invalidShape(String)
    // Sharded checkpoints
    case invalidIndex(String)
    case shardMissing(String)
    case tensorMissingFromShard(shard: String)
    case tensorInTwoShards(String, String)
    case tensorNotInIndex(shard: String)
    // Decoding
    case cannotDecode(dtype: String)
    case rowsOutOfRange(rows: Range<Int>, rowCount: Int)
    case bufferTooSmall(needed: Int, available: Int)
    case notATensor
    // Resolving a model name
    case notFound(searched: [String])
    case ambiguous([String])
    case unrecognisedFile

    public var description: String {
      switch self {
      case .cannotOpen(let why): "cannot open: \(why)"
      case .truncated(let what): "file ends inside \(what)"
      case .headerTooSmall(let size): "file of \(size) bytes is too small to hold a safetensors header"
      case .headerTooLarge(let n): "header length \(n) exceeds the 100,000,000-byte limit"
      case .headerPastEnd(let n, let size): "header length \(n) runs past the end of the \(size)-byte file"
      case .invalidUTF8: "header is not valid UTF-8"
      case .invalidJSON(let why): "header is not valid JSON: \(why)"
      case .headerNotObject: "header is not a JSON object"
      case .invalidMetadata(let why): "__metadata__ must map strings to strings: \(why)"
      case .missingField(let f): "entry has no \"\(f)\""
      case .invalidField(let f, let d): "\"\(f)\" \(d)"
      case .unknownDType(let d): "unknown dtype \"\(d)\""
      case .sizeOverflow: "shape × dtype size overflows 64 bits"
      case .subByteMisaligned: "sub-byte dtype does not fill whole bytes"
      case .byteCountMismatch(let e, let a): "data_offsets span \(a) bytes but shape and dtype need \(e)"
      case .offsetNotZero(let b): "first tensor starts at \(b), not 0"
      case .offsetEndBeforeBegin(let b, let e): "data_offsets end \(e) is before begin \(b)"
      case .offsetGap(let p, let b): "gap: previous tensor ends at \(p), this one begins at \(b)"
      case .offsetOverlap(let p, let b): "overlap: previous tensor ends at \(p), this one begins at \(b)"
      case .dataSizeMismatch(let e, let a): "tensors cover \(e) data bytes but the file holds \(a)"
      case .duplicateTensor: "tensor name appears twice"
      case .badMagic: "not a GGUF file (bad magic)"
      case .unsupportedVersion(let v): "GGUF version \(v) is not supported (2 and 3 are)"
      case .countTooLarge(let what, let n): "\(what) count \(n) cannot fit in the file"
      case .unknownValueType(let t): "unknown metadata value type \(t)"
      case .nestingTooDeep: "metadata arrays nest too deep"
      case .unknownGGMLType(let t): "unknown ggml tensor type \(t)"
      case .invalidAlignment(let a): "general.alignment \(a) is not a power of two"
      case .misalignedOffset(let o, let a): "data offset \(o) is not a multiple of the alignment \(a)"
      case .outOfBounds(let e, let size): "data ends at byte \(e), past the end of the \(size)-byte file"
      case .rowNotBlockMultiple(let n, let b): "row length \(n) is not a multiple of the block size \(b)"
      case .invalidShape(let why): "invalid shape: \(why)"
      case .invalidIndex(let why): "invalid index: \(why)"
      case .shardMissing(let s): "shard \"\(s)\" is missing"
      case .tensorMissingFromShard(let s): "not found in shard \"\(s)\" named by the index"
      case .tensorInTwoShards(let a, let b): "appears in both \"\(a)\" and \"\(b)\""
      case .tensorNotInIndex(let s): "in shard \"\(s)\" but not in the index"
      case .cannotDecode(let d): "decoding dtype \(d) is not supported"
      case .rowsOutOfRange(let r, let n): "rows \(r.lowerBound)..<\(r.upperBound) outside 0..<\(n)"
      case .bufferTooSmall(let n, let a): "output buffer holds \(a) values, \(n) needed"
      case .notATensor: "no such tensor"
      case .notFound(let places): "model not found; looked in: " + places.joined(separator: ", ")
      case .ambiguous(let files): "several candidate model files: " + files.joined(separator: ", ")
      case .unrecognisedFile: "not a .safetensors, .gguf or model.safetensors.index.json file"
      }
    }
  }
}
