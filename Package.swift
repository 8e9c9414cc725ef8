// swift-tools-version: 6.2
import PackageDescription

/// One list of settings for every Swift target (as hummingbird does): explicit `public import`
/// wherever a dependency leaks into API, and `any` spelled out for existentials.
let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The modules that do the arithmetic (decoding, linear algebra, analysis, synthesis, inference)
/// are optimised in debug builds too: the test suite and the browser test run real analyses,
/// renders and forward passes, which take 10–30× longer at -Onone (whole suite 2 min instead
/// of 8; a debug build takes 20 s longer).
let optimisedSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// The packed-weight matrix kernel is written for AVX-512 and compiled for it; callers use it
/// only when `Linalg.hasAVX512` says the CPU has it (the forward pass falls back to OpenBLAS).
let avx512Settings: [SwiftSetting] = swiftSettings + [
  .unsafeFlags(["-target-cpu", "skylake-avx512"]), .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
  name: "Eigentone",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "eigentone", targets: ["eigentone"]),
    .library(name: "Checkpoint", targets: ["Checkpoint"]),
    .library(name: "Anatomy", targets: ["Anatomy"]),
    .library(name: "Analysis", targets: ["Analysis"]),
    .library(name: "Theory", targets: ["Theory"]),
    .library(name: "Score", targets: ["Score"]),
    .library(name: "StandardMIDI", targets: ["StandardMIDI"]),
    .library(name: "MusicXML", targets: ["MusicXML"]),
    .library(name: "Synthesis", targets: ["Synthesis"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    // The web studio (`eigentone serve`); without its swift-configuration trait, which nothing here uses.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
  ],
  targets: [
    // MARK: - C libraries (Debian packages; see scripts/bootstrap)
    .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
    .systemLibrary(name: "CFluidSynth", providers: [.apt(["libfluidsynth-dev"])]),
    .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
    // A header-only C function for software prefetch (no library to link).
    .systemLibrary(name: "CPrefetch"),

    // MARK: - Thin Swift wrappers over the C libraries
    .target(name: "Linalg", dependencies: ["COpenBLAS", "CLAPACKE"], swiftSettings: optimisedSettings),
    .target(name: "SoundFont", dependencies: ["CFluidSynth"], swiftSettings: swiftSettings),
    .target(name: "AudioFile", dependencies: ["CSndFile"], swiftSettings: swiftSettings),

    // MARK: - Pipeline stages (pure Swift)
    .target(name: "AtomicFile", swiftSettings: swiftSettings),
    .target(name: "JSONText", swiftSettings: optimisedSettings),
    // The analysis's per-value kernels again (a link to Analysis/Statistics/FusedPass.swift),
    // compiled for AVX-512; Analysis calls them only when `Linalg.hasAVX512`.
    .target(name: "AnalysisAVX512", swiftSettings: avx512Settings),
    .target(name: "Checkpoint", dependencies: ["AtomicFile"], swiftSettings: optimisedSettings),
    .target(name: "Anatomy", dependencies: ["Checkpoint"], swiftSettings: swiftSettings),
    .target(name: "Analysis", dependencies: ["AtomicFile", "Checkpoint", "Anatomy", "Linalg", "JSONText", "AnalysisAVX512"], swiftSettings: optimisedSettings),
    .target(name: "Theory", swiftSettings: swiftSettings),
    .target(name: "Score", dependencies: ["Theory"], swiftSettings: swiftSettings),
    .target(name: "StandardMIDI", dependencies: ["Score", "AtomicFile"], swiftSettings: swiftSettings),
    .target(name: "MusicXML", dependencies: ["Score", "Theory", "AtomicFile"], swiftSettings: swiftSettings),
    .target(name: "Compare", dependencies: ["Analysis", "Anatomy", "Checkpoint", "Score", "Theory"], swiftSettings: optimisedSettings),
    .target(name: "Synthesis", swiftSettings: optimisedSettings),
    .target(name: "Tokenizer", dependencies: ["Checkpoint", "AtomicFile"], swiftSettings: optimisedSettings),
    .target(name: "PackedGEMM", dependencies: ["Linalg", "CPrefetch"], swiftSettings: avx512Settings),
    .target(name: "Inference", dependencies: ["Checkpoint", "Linalg", "PackedGEMM"], swiftSettings: optimisedSettings),
    .target(
      name: "Sonify", dependencies: ["Inference", "Tokenizer", "Checkpoint", "Analysis", "Linalg", "Score", "Theory", "AtomicFile"],
      swiftSettings: optimisedSettings),
    .target(name: "Render", dependencies: ["Score", "SoundFont", "AudioFile", "Synthesis"], swiftSettings: optimisedSettings),
    .target(
      name: "Compose",
      dependencies: ["Analysis", "Score", "Theory", .product(name: "Yams", package: "Yams")],
      swiftSettings: optimisedSettings),

    // MARK: - The studio: the pipelines as jobs, and the web server
    .target(
      name: "Studio",
      dependencies: [
        "Analysis", "Anatomy", "AtomicFile", "Checkpoint", "Compare", "Compose", "Inference", "Render", "Score", "Sonify", "StandardMIDI",
        "Synthesis", "Theory", "Tokenizer",
      ],
      swiftSettings: swiftSettings),
    .target(
      name: "StudioServer",
      dependencies: ["Studio", "Checkpoint", "Compose", .product(name: "Hummingbird", package: "hummingbird")],
      swiftSettings: swiftSettings),

    // MARK: - Command-line interface
    .executableTarget(
      name: "eigentone",
      dependencies: [
        "Checkpoint", "Anatomy", "Analysis", "Linalg", "Compose", "Compare", "Score", "Theory", "StandardMIDI", "MusicXML", "Render", "AudioFile", "Synthesis", "Tokenizer", "Inference", "Sonify", "Studio", "StudioServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),

    // MARK: - Tests
    .target(name: "_TestSupport", dependencies: ["Checkpoint"], path: "Tests/_TestSupport", swiftSettings: swiftSettings),
    .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "_TestSupport"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(name: "AnatomyTests", dependencies: ["Anatomy", "Checkpoint", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "AnalysisAVX512", "Anatomy", "Checkpoint", "Linalg", "_TestSupport"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(name: "JSONTextTests", dependencies: ["JSONText"], swiftSettings: swiftSettings),
    .testTarget(name: "TheoryTests", dependencies: ["Theory"], swiftSettings: swiftSettings),
    .testTarget(name: "ScoreFileTests", dependencies: ["Score", "Theory", "StandardMIDI", "MusicXML", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(
      name: "ComposeTests",
      dependencies: ["Compose", "Analysis", "Anatomy", "Checkpoint", "Score", "Theory", "StandardMIDI", "_TestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(name: "CompareTests", dependencies: ["Compare", "Analysis", "Anatomy", "Checkpoint", "Score", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "RenderTests", dependencies: ["Render", "Score", "AudioFile", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "SynthesisTests", dependencies: ["Synthesis"], swiftSettings: swiftSettings),
    .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "Checkpoint", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(
      name: "SonifyTests", dependencies: ["Sonify", "Inference", "Tokenizer", "Checkpoint", "Score", "Theory", "StandardMIDI", "_TestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "InferenceTests", dependencies: ["Inference", "Tokenizer", "Checkpoint", "Linalg", "PackedGEMM", "_TestSupport"], resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings),
    .testTarget(name: "WrapperTests", dependencies: ["Linalg", "SoundFont", "AudioFile"], swiftSettings: swiftSettings),
    .testTarget(
      name: "StudioTests",
      dependencies: [
        "Studio", "StudioServer", "Score", "Sonify", "StandardMIDI", "Checkpoint", "Compare", "_TestSupport", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdTesting", package: "hummingbird"),
      ],
      swiftSettings: swiftSettings),
    .testTarget(name: "CommandLineTests", dependencies: ["_TestSupport"], swiftSettings: swiftSettings),
  ]
)
