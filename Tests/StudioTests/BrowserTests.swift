import Foundation
import Testing
import _TestSupport

/// The page in a real browser: Debian's headless Chromium, driven by chromedriver from
/// Tests/Tooling/studio_browser.py, against `eigentone serve` started here as a user would.
/// Screenshots of each view are kept in `test-output/browser/`.
@Suite("studio in a browser")
struct BrowserTests {
  static let screenshots = Repository.root + "/test-output/browser"

  @Test func composeCompareSonify() throws {
    try #require(Repository.modelsInstalled, "run scripts/bootstrap to install the default models")
    try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "run scripts/bootstrap to install chromium and chromium-driver")
    let dir = TemporaryDirectory("eigentone-browser")
    let environment = CommandRunner.environment(cache: dir.file("cache"))
    // A second model to compare with, made the way a user would: an f16 copy of MiniLM.
    let copy = dir.file("models/minilm-f16/model.safetensors")
    let convert = try CommandRunner.eigentone(["convert", "all-minilm-l6-v2", "--to", "f16", "-o", copy], environment: environment)
    try #require(convert.status == 0, "\(convert.stderr)")
    try FileManager.default.copyItem(atPath: Repository.miniLM + "/config.json", toPath: dir.file("models/minilm-f16/config.json"))

    let server = Process()
    server.executableURL = URL(fileURLWithPath: Repository.executable)
    server.arguments = ["serve", "--port", "0", "--output", dir.file("jobs"), "--models", dir.path + "/models", "--corpus-size", "24"]
    server.environment = environment
    server.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
    let out = Pipe()
    server.standardOutput = out
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer {
      if server.isRunning { server.interrupt() }
      server.waitUntilExit()
    }
    // The first line says where it listens (port 0: the system chose one).
    var printed = ""
    while !printed.contains("\n") {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      printed += String(decoding: chunk, as: UTF8.self)
    }
    let address = try #require(printed.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }, "serve printed \(printed)")
    #expect(printed.contains("(4 models;"), "\(printed)")

    try? FileManager.default.removeItem(atPath: Self.screenshots)
    let browser = try CommandRunner.python(
      "studio_browser.py", [String(address), Self.screenshots, "smollm2-135m-instruct", "all-minilm-l6-v2", "minilm-f16"])
    #expect(browser.status == 0, "\(browser.stderr)\n\(browser.stdout)")
    #expect(browser.stdout.contains("ok"), "\(browser.stdout)")
    for view in ["compose", "compare", "sonify", "inside"] {
      let png = FileManager.default.contents(atPath: Self.screenshots + "/\(view).png") ?? Data()
      #expect(png.count > 10_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "\(view).png")
    }
    // The server shuts down cleanly on SIGINT.
    server.interrupt()
    server.waitUntilExit()
    #expect(server.terminationReason == .exit, "serve did not exit on SIGINT")
  }
}
