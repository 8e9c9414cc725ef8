/// Finds the model a user names, without touching the network.
///
/// A name may be:
/// - a `.safetensors` or `.gguf` file;
/// - a `model.safetensors.index.json` (sharded checkpoint);
/// - a directory: a Hugging Face snapshot with `config.json` and one, sharded or several
///   weight files, or a folder holding one `.gguf`;
/// - a Hugging Face repo id such as `google/gemma-3-270m`, looked up in the local cache
///   (`$HF_HUB_CACHE`, `$HF_HOME/hub`, `~/.cache/huggingface/hub`) through `refs/main` and
///   `snapshots/`;
/// - the name of a folder under a models directory (`$EIGENTONE_MODELS`, then the
///   ``ModelResolver/modelDirectories`` given).
/// When nothing matches, the error lists every place that was looked in.
public struct ModelResolver: Sendable {
  /// Environment variables (for `HF_HUB_CACHE`, `HF_HOME`, `HOME`, `EIGENTONE_MODELS`).
  public var environment: [String: String]
  /// Extra folders searched for bare model names, after `$EIGENTONE_MODELS`.
  public var modelDirectories: [String]

  public init(environment: [String: String], modelDirectories: [String] = []) {
    self.environment = environment
    self.modelDirectories = modelDirectories
  }

  /// The Hugging Face hub cache folders, in the order they are searched.
  public var huggingFaceCaches: [String] {
    var caches: [String] = []
    if let hub = environment["HF_HUB_CACHE"], !hub.isEmpty { caches.append(hub) }
    if let home = environment["HF_HOME"], !home.isEmpty { caches.append(Path.join(home, "hub")) }
    if let home = environment["HOME"], !home.isEmpty { caches.append(Path.join(home, ".cache/huggingface/hub")) }
    var unique: [String] = []
    for c in caches where !unique.contains(c) { unique.append(c) }
    return unique
  }

  /// Folders searched for bare model names.
  public var searchDirectories: [String] {
    var dirs: [String] = []
    if let env = environment["EIGENTONE_MODELS"], !env.isEmpty { dirs.append(env) }
    for d in modelDirectories where !dirs.contains(d) { dirs.append(d) }
    return dirs
  }

  /// Resolves `name` and opens the checkpoint (headers only).
  public func open(_ name: String) throws(CheckpointError) -> Checkpoint {
    var searched: [String] = []
    if Path.exists(name) { return try openPath(name) }
    searched.append(name)
    if let repo = Self.repoID(name) {
      for cache in huggingFaceCaches {
        let repoDir = Path.join(cache, "models--" + repo.owner + "--" + repo.name)
        searched.append(repoDir)
        if let snapshot = snapshot(in: repoDir) { return try openPath(snapshot) }
      }
    }
    if !name.contains("/") {
      for dir in searchDirectories {
        let candidate = Path.join(dir, name)
        searched.append(candidate)
        if Path.exists(candidate) { return try openPath(candidate) }
      }
    }
    throw CheckpointError(file: name, reason: .notFound(searched: searched))
  }

  /// `owner/name` with characters Hugging Face allows in repo ids, or `nil`.
  static func repoID(_ name: String) -> (owner: String, name: String)? {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return nil }
    let allowed = { (s: Substring) -> Bool in
      !s.isEmpty && s != "." && s != ".."
        && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
    guard allowed(parts[0]), allowed(parts[1]) else { return nil }
    return (String(parts[0]), String(parts[1]))
  }

  /// The snapshot folder `refs/main` points to; without a ref, the only snapshot.
  func snapshot(in repoDir: String) -> String? {
    let snapshots = Path.join(repoDir, "snapshots")
    guard Path.isDirectory(snapshots) else { return nil }
    if let ref = Path.readText(Path.join(repoDir, "refs/main"), limit: 256) {
      let commit = ref.trimmingWhitespace()
      let dir = Path.join(snapshots, commit)
      if !commit.isEmpty, !commit.contains("/"), Path.isDirectory(dir) { return dir }
    }
    let all = Path.contents(of: snapshots).filter { Path.isDirectory(Path.join(snapshots, $0)) }
    return all.count == 1 ? Path.join(snapshots, all[0]) : nil
  }

  /// Opens a path that exists: a weights file, an index, or a directory.
  public func openPath(_ path: String) throws(CheckpointError) -> Checkpoint {
    if Path.isDirectory(path) { return try openDirectory(path) }
    let config = Self.loadConfig(Path.join(Path.directory(of: path), "config.json"))
    let file = Path.lastComponent(path)
    if file.hasSuffix(".safetensors") { return try Checkpoint.openSafetensors(at: path, config: config) }
    if file.hasSuffix(".gguf") { return try Checkpoint.openGGUF(at: path, config: config) }
    if file.hasSuffix(".index.json") { return try Checkpoint.openSharded(index: path, config: config) }
    // Unknown extension: sniff the GGUF magic, else try safetensors.
    let mapped = try MappedFile(path: path)
    if mapped.size >= 4, mapped.bytes.loadUnaligned(as: UInt32.self) == 0x4655_4747 {
      return try Checkpoint.openGGUF(at: path, config: config)
    }
    if mapped.size >= 8 { return try Checkpoint.openSafetensors(at: path, config: config) }
    throw CheckpointError(file: path, reason: .unrecognisedFile)
  }

  private func openDirectory(_ dir: String) throws(CheckpointError) -> Checkpoint {
    let names = Path.contents(of: dir)
    let config = Self.loadConfig(Path.join(dir, "config.json"))
    if names.contains("model.safetensors.index.json") {
      return try Checkpoint.openSharded(index: Path.join(dir, "model.safetensors.index.json"), config: config)
    }
    let indexes = names.filter { $0.hasSuffix(".safetensors.index.json") }
    if indexes.count == 1 { return try Checkpoint.openSharded(index: Path.join(dir, indexes[0]), config: config) }
    if names.contains("model.safetensors") {
      return try Checkpoint.openSafetensors(at: Path.join(dir, "model.safetensors"), config: config)
    }
    let weights = names.filter { $0.hasSuffix(".safetensors") }
    if weights.count == 1 { return try Checkpoint.openSafetensors(at: Path.join(dir, weights[0]), config: config) }
    if weights.count > 1 {
      // Shards without an index: all must follow the `-NNNNN-of-NNNNN` pattern.
      guard weights.allSatisfy(Self.isShardName) else {
        throw CheckpointError(file: dir, reason: .ambiguous(weights))
      }
      return try Checkpoint.openShards(weights.map { Path.join(dir, $0) }, location: dir, config: config)
    }
    let ggufs = names.filter { $0.hasSuffix(".gguf") }
    if ggufs.count == 1 { return try Checkpoint.openGGUF(at: Path.join(dir, ggufs[0]), config: config) }
    if ggufs.count > 1 { throw CheckpointError(file: dir, reason: .ambiguous(ggufs)) }
    throw CheckpointError(file: dir, reason: .notFound(searched: [dir + " (no .safetensors or .gguf inside)"]))
  }

  static func isShardName(_ name: String) -> Bool {
    // ...-00001-of-00003.safetensors
    let stem = name.dropLast(".safetensors".count)
    let parts = stem.split(separator: "-")
    guard parts.count >= 3 else { return false }
    let n = parts[parts.count - 3], of = parts[parts.count - 2], total = parts[parts.count - 1]
    return of == "of" && !n.isEmpty && !total.isEmpty && n.allSatisfy(\.isNumber) && total.allSatisfy(\.isNumber)
  }

  /// Parses a `config.json`; a missing or unreadable one is `nil` (configuration is optional).
  static func loadConfig(_ path: String) -> JSONValue? {
    guard let text = Path.readText(path) else { return nil }
    return try? JSONParser.parse(text)
  }
}

extension String {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
