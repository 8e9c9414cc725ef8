import Foundation
import JSONText
import Testing

/// A value with every shape a portrait uses: nested objects, arrays of numbers and of objects,
/// optionals, enums, dictionaries and strings that need escaping.
struct Sample: Codable, Equatable {
  enum Kind: String, Codable { case alpha, beta }
  struct Inner: Codable, Equatable {
    var name: String
    var counts: [Int]
    var weight: Float
  }
  var title: String
  var values: [Double]
  var floats: [Float]
  var missing: Double?
  var present: Int?
  var kind: Kind
  var inner: [Inner]
  var table: [String: Double]
  var flags: [Bool]
  var empty: [Double]
  var nothing: [String: Int]
  var nested: [[Double]]
  var big: UInt64
  var negative: Int64
}

@Suite struct JSONTextTests {
  static let sample = Sample(
    title: "quote \" backslash \\ slash / tab \t newline \n bell \u{07} é 音",
    values: [0, -0.0, 1, 0.1, 1.0 / 3, 1e-300, 5e-324, 1.7976931348623157e308, -2.5e-5, 123_456_789_012],
    floats: [0.1, 3.4028235e38, 1e-45, -7.25],
    missing: nil, present: 42, kind: .beta,
    inner: [Sample.Inner(name: "q", counts: [1, 2, 3], weight: 0.5), Sample.Inner(name: "", counts: [], weight: -1)],
    table: ["zeta": 1, "alpha": 2, "Mid": 3.5], flags: [true, false], empty: [], nothing: [:],
    nested: [[1, 2], [], [3]], big: UInt64.max, negative: Int64.min)

  @Test(arguments: [false, true])
  func decodesToTheSameValue(pretty: Bool) throws {
    let bytes = try JSONText.encode(Self.sample, pretty: pretty)
    let decoded = try JSONDecoder().decode(Sample.self, from: Data(bytes))
    #expect(decoded == Self.sample)
    #expect(decoded.values.map(\.bitPattern) == Self.sample.values.map(\.bitPattern))
  }

  /// Foundation's encoder is the independent reference: both outputs parse to equal objects.
  @Test(arguments: [false, true])
  func parsesLikeFoundationsOutput(pretty: Bool) throws {
    let ours = try JSONSerialization.jsonObject(with: Data(try JSONText.encode(Self.sample, pretty: pretty)))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let theirs = try JSONSerialization.jsonObject(with: try encoder.encode(Self.sample))
    #expect((ours as? NSDictionary) == (theirs as? NSDictionary))
  }

  @Test func compactOutputHasSortedKeysAndNoSpaces() throws {
    struct Small: Encodable {
      var b = [1.5, 2]
      var a = 1
      var c = "x\"y"
      var d: Int? = nil
    }
    let text = String(decoding: try JSONText.encode(Small()), as: UTF8.self)
    #expect(text == #"{"a":1,"b":[1.5,2.0],"c":"x\"y"}"#)
  }

  @Test func prettyOutputIndentsObjectsAndKeepsNumberArraysOnOneLine() throws {
    struct Leaf: Encodable { var v = [1, 2] }
    struct Tree: Encodable {
      var leaves = [Leaf(), Leaf()]
      var name = "t"
      var none: [Int] = []
    }
    let text = String(decoding: try JSONText.encode(Tree(), pretty: true), as: UTF8.self)
    #expect(
      text == """
        {
          "leaves" : [
            {
              "v" : [1, 2]
            },
            {
              "v" : [1, 2]
            }
          ],
          "name" : "t",
          "none" : []
        }
        """)
  }

  @Test(arguments: [Double.nan, .infinity, -.infinity])
  func nonFiniteNumbersAreAnErrorNamingWhere(x: Double) {
    struct Holder: Encodable {
      var spectrum: [Double]
    }
    #expect(throws: JSONText.EncodingError.self) { try JSONText.encode(Holder(spectrum: [1, x])) }
    do {
      _ = try JSONText.encode(Holder(spectrum: [1, x]))
    } catch {
      #expect(error.path == "spectrum.1")
    }
  }

  /// Arrays of 256 numbers or more are formatted in parallel before writing: same bytes as one
  /// at a time (checked through Foundation's parser), errors naming the same place.
  @Test(arguments: [false, true])
  func largeArraysAreFormattedInParallelToTheSameText(pretty: Bool) throws {
    struct Spectra: Codable, Equatable {
      var a: [Double]
      var b: [[Double]]
      var small: [Double]
    }
    let big = (0..<1000).map { 1 / Double($0 + 1) - 0.25 }
    let value = Spectra(a: big, b: [big.reversed(), Array(big.prefix(300)), [1, 2]], small: [0.5])
    let bytes = try JSONText.encode(value, pretty: pretty)
    #expect(try JSONDecoder().decode(Spectra.self, from: Data(bytes)) == value)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let ours = try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
    let theirs = try JSONSerialization.jsonObject(with: try encoder.encode(value)) as? NSDictionary
    #expect(ours == theirs)
    var broken = value
    broken.b[1][299] = .nan
    do {
      _ = try JSONText.encode(broken, pretty: pretty)
      Issue.record("a NaN in a large array was written")
    } catch {
      #expect(error.path == "b.1.299")
    }
  }

  @Test func equalValuesGiveEqualBytes() throws {
    #expect(try JSONText.encode(Self.sample) == JSONText.encode(Self.sample))
  }
}
