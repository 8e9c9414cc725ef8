import Dispatch

/// Writes the tree's large arrays of `Double` out in parallel before the (sequential) writer runs.
///
/// Formatting numbers in their shortest round-trip form is most of the cost of a portrait's
/// JSON (≈ 70 ns a number); its spectra and norms are arrays of hundreds to tens of thousands of
/// numbers, which format independently. The bytes are exactly those the writer would produce.
enum Preformatter {
  /// Arrays shorter than this are left to the writer (not worth a hand-off).
  static let minimumCount = 256

  /// An array found in the tree: where it sits, its numbers, and its path for errors.
  struct Job {
    enum Slot {
      case key(ObjectStorage, String)
      case index(ArrayStorage, Int)
    }
    var slot: Slot
    var values: [Double]
    var path: [String]
  }

  static func formatLargeArrays(in root: Node, pretty: Bool) throws(JSONText.EncodingError) {
    var jobs: [Job] = []
    collect(root, path: [], into: &jobs)
    guard !jobs.isEmpty else { return }
    let work = jobs.map { ($0.values, $0.path) }
    var results = [Result<[UInt8], JSONText.EncodingError>](repeating: .success([]), count: jobs.count)
    results.withUnsafeMutableBufferPointer { out in
      nonisolated(unsafe) let out = out
      DispatchQueue.concurrentPerform(iterations: work.count) { k in
        let (values, path) = work[k]
        var writer = Writer(pretty: pretty)
        writer.path = path
        do throws(JSONText.EncodingError) {
          try writer.numbers(values.count) { (w: inout Writer, i: Int) throws(JSONText.EncodingError) in try w.number(values[i]) }
          out[k] = .success(writer.bytes)
        } catch {
          out[k] = .failure(error)
        }
      }
    }
    // The first failing array in tree order, as the sequential writer would report it.
    for (job, result) in zip(jobs, results) {
      let text = try result.get()
      switch job.slot {
      case .key(let object, let key): object.values[key] = .formatted(text)
      case .index(let array, let index): array.items[index] = .formatted(text)
      }
    }
  }

  /// The large `doubles` arrays under `node`, in the order the writer visits them (keys sorted).
  static func collect(_ node: Node, path: [String], into jobs: inout [Job]) {
    switch node {
    case .object(let object):
      for key in object.values.keys.sorted() {
        guard let child = object.values[key] else { continue }
        if case .doubles(let values) = child, values.count >= minimumCount {
          jobs.append(Job(slot: .key(object, key), values: values, path: path + [key]))
        } else {
          collect(child, path: path + [key], into: &jobs)
        }
      }
    case .array(let array):
      for (i, child) in array.items.enumerated() {
        if case .doubles(let values) = child, values.count >= minimumCount {
          jobs.append(Job(slot: .index(array, i), values: values, path: path + [String(i)]))
        } else {
          collect(child, path: path + [String(i)], into: &jobs)
        }
      }
    case .pending(let encoder):
      if let inner = encoder.node { collect(inner, path: path, into: &jobs) }
    default:
      break
    }
  }
}
