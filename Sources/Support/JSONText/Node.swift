/// The value tree the encoder builds. Arrays of numbers stay unboxed (`doubles`, `integers`).
enum Node {
  case null
  case bool(Bool)
  case integer(Int64)
  case unsigned(UInt64)
  case double(Double)
  case float(Float)
  case string(String)
  case doubles([Double])
  case floats([Float])
  case integers([Int])
  case array(ArrayStorage)
  case object(ObjectStorage)
  /// A value still being written by a nested encoder (`superEncoder`), read when serialising.
  case pending(TreeEncoder)
  /// An array of numbers already written out (by ``Preformatter``), copied as it is.
  case formatted([UInt8])
}

/// An array under construction (a class, so nested containers can keep appending to it).
final class ArrayStorage {
  var items: [Node] = []
}

/// An object under construction. A key written twice keeps its last value, as `JSONEncoder` does.
final class ObjectStorage {
  var values: [String: Node] = [:]
}
