import Testing

@testable import Checkpoint

@Suite("JSON parser")
struct JSONParserTests {
  @Test func parsesNestedValues() throws {
    let v = try JSONParser.parse(#" {"a": [1, -2.5e3, true, null, "x\u00e9\n"], "b": {}} "#)
    #expect(v["a"]?.arrayValue?.count == 5)
    #expect(v["a"]?.arrayValue?[0].uint64Value == 1)
    #expect(v["a"]?.arrayValue?[1].doubleValue == -2500)
    #expect(v["a"]?.arrayValue?[1].uint64Value == nil)
    #expect(v["a"]?.arrayValue?[4].stringValue == "xé\n")
    #expect(v["b"]?.objectValue?.isEmpty == true)
  }

  @Test func keepsKeyOrder() throws {
    let v = try JSONParser.parse(#"{"z": 1, "a": 2, "m": 3}"#)
    #expect(v.objectValue?.keys == ["z", "a", "m"])
  }

  @Test func surrogatePairs() throws {
    #expect(try JSONParser.parse(#""\ud83c\udfb5""#).stringValue == "🎵")
  }

  @Test func largeIntegersKeepTheirDigits() throws {
    let v = try JSONParser.parse("[18446744073709551615, 18446744073709551616]")
    #expect(v.arrayValue?[0].uint64Value == UInt64.max)
    #expect(v.arrayValue?[1].uint64Value == nil)
  }

  @Test(arguments: [
    "", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"",
    "\"\\ud800\"", "{\"a\":1} x", "{\"a\":1}\u{0}", "\"a\u{1}b\"", "{\"a\":1,\"a\":2}", "\u{FEFF}{}", "{1:2}",
  ])
  func rejectsMalformed(_ text: String) {
    #expect(throws: JSONError.self) { try JSONParser.parse(text) }
  }

  @Test func rejectsInvalidUTF8InStrings() {
    #expect(throws: JSONError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
  }

  @Test func rejectsDeepNesting() {
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
  }

  @Test func duplicateKeyNamesTheKey() {
    do throws(JSONError) {
      _ = try JSONParser.parse(#"{"w": 1, "w": 2}"#)
      Issue.record("expected an error")
    } catch {
      #expect(error.key == "w")
    }
  }
}
