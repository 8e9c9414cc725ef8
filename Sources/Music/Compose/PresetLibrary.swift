import Foundation

/// Finds the bundled presets: `$EIGENTONE_COMPOSITIONS`, `./Compositions`, or the
/// `Compositions/` folder of the checkout the executable was built in.
public struct PresetLibrary: Sendable {
  public var directories: [String]

  public init(directories: [String]) { self.directories = directories }

  public static func standard(environment: [String: String]) -> PresetLibrary {
    var dirs: [String] = []
    if let d = environment["EIGENTONE_COMPOSITIONS"], !d.isEmpty { dirs.append(d) }
    dirs.append("Compositions")
    var url = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
      let candidate = url.appendingPathComponent("Compositions").path
      if FileManager.default.fileExists(atPath: candidate) && !dirs.contains(candidate) { dirs.append(candidate) }
      url.deleteLastPathComponent()
    }
    return PresetLibrary(directories: dirs)
  }

  /// The bundled preset for `genre`.
  public func preset(for genre: String) throws(PresetError) -> Preset {
    for dir in directories {
      let path = dir + "/" + genre + ".yaml"
      if FileManager.default.fileExists(atPath: path) { return try Preset.load(path: path) }
    }
    throw PresetError(
      file: genre + ".yaml", line: nil, key: "file",
      reason: "no bundled preset; looked in " + directories.joined(separator: ", "))
  }
}
