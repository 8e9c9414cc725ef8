public import Foundation
import ZIPFoundation

/// Compressed MusicXML (.mxl): a zip container (read with ZIPFoundation over zlib) whose
/// `META-INF/container.xml` names the score's root file.
///
/// The container is read in memory and defensively: an entry whose path leaves the archive's
/// root (absolute, or with a `..` component) makes the file invalid; the root file must be
/// under ``maximumEntryBytes`` once inflated and under ``maximumRatio`` times its compressed
/// size (a zip bomb stops at the limit, not at the end of memory); its CRC-32 is checked.
public enum MXLArchive {
  /// 64 MiB: the largest MusicXML in music21's corpus (a Trecento score) is 2.6 MB inflated.
  public static let maximumEntryBytes = 64 << 20
  /// Deflate reaches about 1000:1 on long runs; MusicXML compresses 10–30:1.
  public static let maximumRatio = 200

  /// The root score's bytes.
  public static func rootScore(_ data: Data, file: String) throws(ScoreReadError) -> Data {
    let archive: Archive
    do { archive = try Archive(data: data, accessMode: .read) } catch {
      throw ScoreReadError(file: file, "not a zip container (truncated or damaged .mxl)")
    }
    var paths: [String] = []
    for entry in archive {
      let path = entry.path
      if path.hasPrefix("/") || path.split(separator: "/").contains("..") || path.contains("\\") {
        throw ScoreReadError(file: file, .entry(path), "entry outside the archive's root")
      }
      paths.append(path)
    }
    let root: String
    if let container = archive["META-INF/container.xml"] {
      let xml = try extract(container, from: archive, file: file)
      guard case .success(let tree) = XMLTree.parse(xml),
        let full = tree.child("rootfiles")?.all("rootfile").first?.attributes["full-path"]
      else {
        throw ScoreReadError(file: file, .entry("META-INF/container.xml"), "no rootfile full-path")
      }
      root = full
    } else if let first = paths.first(where: { !$0.hasPrefix("META-INF/") && ($0.hasSuffix(".xml") || $0.hasSuffix(".musicxml")) }) {
      root = first
    } else {
      throw ScoreReadError(file: file, "no META-INF/container.xml and no score entry")
    }
    guard let entry = archive[root] else { throw ScoreReadError(file: file, .entry(root), "the container names a missing entry") }
    return try extract(entry, from: archive, file: file)
  }

  static func extract(_ entry: Entry, from archive: Archive, file: String) throws(ScoreReadError) -> Data {
    let declared = entry.uncompressedSize
    let limit = min(UInt64(maximumEntryBytes), max(UInt64(1 << 20), entry.compressedSize * UInt64(maximumRatio)))
    guard declared <= limit else {
      throw ScoreReadError(file: file, .entry(entry.path), "declares \(declared) bytes inflated (limit \(limit))")
    }
    var out = Data()
    out.reserveCapacity(Int(declared))
    do {
      _ = try archive.extract(entry, skipCRC32: false) { chunk in
        guard UInt64(out.count + chunk.count) <= limit else { throw Inflated.tooLarge }
        out.append(chunk)
      }
    } catch Inflated.tooLarge {
      throw ScoreReadError(file: file, .entry(entry.path), "inflates past \(limit) bytes (a zip bomb?)")
    } catch {
      throw ScoreReadError(file: file, .entry(entry.path), "cannot inflate (truncated or damaged: \(error))")
    }
    return out
  }

  enum Inflated: Error { case tooLarge }
}
