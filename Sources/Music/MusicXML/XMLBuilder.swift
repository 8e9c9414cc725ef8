/// Minimal indented XML text builder with escaping.
struct XMLBuilder {
  private(set) var text = ""
  private var depth = 0

  static func escape(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case _ where c.value < 0x20 && c != "\n" && c != "\t": out += " "
      default: out.unicodeScalars.append(c)
      }
    }
    return out
  }

  private func attributes(_ a: KeyValuePairs<String, String>) -> String {
    a.map { " \($0.key)=\"\(Self.escape($0.value))\"" }.joined()
  }

  private func attributes(_ a: [String: String]) -> String {
    a.keys.sorted().map { " \($0)=\"\(Self.escape(a[$0] ?? ""))\"" }.joined()
  }

  mutating func raw(_ line: String) { text += line + "\n" }

  mutating func open(_ name: String, _ attrs: [String: String] = [:]) {
    text += String(repeating: "  ", count: depth) + "<\(name)\(attributes(attrs))>\n"
    depth += 1
  }

  mutating func close(_ name: String) {
    depth -= 1
    text += String(repeating: "  ", count: depth) + "</\(name)>\n"
  }

  mutating func leaf(_ name: String, _ value: String) {
    text += String(repeating: "  ", count: depth) + "<\(name)>\(Self.escape(value))</\(name)>\n"
  }

  mutating func empty(_ name: String, _ attrs: [String: String] = [:]) {
    text += String(repeating: "  ", count: depth) + "<\(name)\(attributes(attrs))/>\n"
  }
}
