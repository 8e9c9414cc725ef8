import Compose
import Corpora
public import Foundation

/// A named set of prompts from a file: a text file (one prompt per line, blank lines skipped) or
/// a CSV file whose `Goal` column (JailbreakBench's) or else first column holds them. The
/// defaults are the album's two sets: JailbreakBench's 100 behaviours ("harmful", installed by
/// `scripts/bootstrap` under the corpora folder) and Eigentone's 100 everyday instructions
/// ("harmless", `Compositions/prompts/harmless.txt`).
public struct PromptSet: Sendable, Hashable {
  public var name: String
  public var prompts: [String]
  /// Each prompt's category (a CSV file's `Category` column, JailbreakBench's; otherwise the
  /// set's name).
  public var categories: [String]

  public init(name: String, prompts: [String], categories: [String]? = nil) {
    self.name = name
    self.prompts = prompts
    self.categories = categories ?? prompts.map { _ in name }
  }

  /// Reads `path`, named after the file unless `name` is given.
  public static func read(_ path: String, name: String? = nil) throws(PipelineError) -> PromptSet {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .badRequest("cannot read the prompt file \(path) as UTF-8 text") }
    let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    let name = name ?? base
    var prompts: [String] = []
    var categories: [String] = []
    if path.lowercased().hasSuffix(".csv") {
      let rows = csv(text)
      guard let header = rows.first else { throw .badRequest("\(path): an empty CSV file") }
      let column = header.firstIndex(of: "Goal") ?? 0
      let category = header.firstIndex(of: "Category")
      for row in rows.dropFirst() where row.count > column && !row[column].trimmingCharacters(in: .whitespaces).isEmpty {
        prompts.append(row[column])
        categories.append(category.flatMap { row.count > $0 && !row[$0].isEmpty ? row[$0] : nil } ?? name)
      }
    } else {
      prompts = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
    return PromptSet(name: name, prompts: prompts, categories: categories.isEmpty ? nil : categories)
  }

  /// JailbreakBench's behaviours, from the corpora folder (`--corpora`, `$EIGENTONE_CORPORA`,
  /// `corpora/`).
  public static func harmful(corpora: String? = nil) throws(PipelineError) -> PromptSet {
    let path = CorpusLocation.resolve(corpora).root + "/prompts/jailbreakbench-behaviors.csv"
    guard FileManager.default.fileExists(atPath: path) else {
      throw .badRequest("no \(path): run scripts/bootstrap (it installs JailbreakBench's behaviours), or give --positive FILE")
    }
    return try read(path, name: "harmful")
  }

  /// Eigentone's everyday instructions, from the Compositions folder.
  public static func harmless(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PipelineError) -> PromptSet {
    for dir in PresetLibrary.standard(environment: environment).directories where FileManager.default.fileExists(atPath: dir + "/prompts/harmless.txt") {
      return try read(dir + "/prompts/harmless.txt", name: "harmless")
    }
    throw .badRequest("no Compositions/prompts/harmless.txt found; give --negative FILE")
  }

  /// RFC 4180 rows: commas, double quotes around fields, doubled quotes inside them, CRLF or LF.
  static func csv(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var chars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar?
    while let c = pending ?? chars.next() {
      pending = nil
      if quoted {
        if c == "\"" {
          if let n = chars.next() {
            if n == "\"" {
              field.unicodeScalars.append("\"")
            } else {
              quoted = false
              pending = n
            }
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        row.append(field)
        field = ""
      } else if c == "\n" || c == "\r" {
        if c == "\r", let n = chars.next(), n != "\n" { pending = n }
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      } else {
        field.unicodeScalars.append(c)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }
}
