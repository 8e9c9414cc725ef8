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

/// The vector kernels (the packed-weight matrix product and the forward pass's vector kernels,
/// the analysis's per-value pass) are written once with Swift's SIMD types and compiled for each
/// instruction level: AVX-512, and AVX2 + FMA. Callers use a level's module only when
/// `Linalg.level` is that level (the CPU's best, or EIGENTONE_ISA); the scalar level is plain
/// Swift and OpenBLAS.
let avx512Settings: [SwiftSetting] =
  swiftSettings + [
    .unsafeFlags(["-target-cpu", "skylake-avx512"]), .unsafeFlags(["-O"], .when(configuration: .debug)),
  ]
let avx2Settings: [SwiftSetting] =
  swiftSettings + [
    .unsafeFlags(["-target-cpu", "haswell"]), .unsafeFlags(["-O"], .when(configuration: .debug)), .define("EIGENTONE_AVX2"),
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
    // Compressed MusicXML (.mxl) is a zip container; ZIPFoundation reads it over Debian's zlib.
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    // The web studio (`eigentone serve`); without its swift-configuration trait, which nothing here uses.
    // Its tests drive a real `eigentone serve` over loopback, so HummingbirdTesting (and the TLS
    // stack its HTTP client builds) is not needed.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
  ],
  targets: [
    // MARK: - Native: C libraries (Debian packages; see scripts/bootstrap), their thin Swift wrappers, and the CPU kernels
    .systemLibrary(name: "COpenBLAS", path: "Sources/Native/COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CLAPACKE", path: "Sources/Native/CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),
    .systemLibrary(name: "CFluidSynth", path: "Sources/Native/CFluidSynth", providers: [.apt(["libfluidsynth-dev"])]),
    .systemLibrary(name: "CSndFile", path: "Sources/Native/CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
    // A header-only C function for software prefetch (no library to link).
    .systemLibrary(name: "CPrefetch", path: "Sources/Native/CPrefetch"),
    // The CPU's instruction level (EIGENTONE_ISA or its best), which every kernel choice reads.
    .target(name: "CPUFeatures", path: "Sources/Native/CPUFeatures", swiftSettings: swiftSettings),
    .target(name: "Linalg", dependencies: ["COpenBLAS", "CLAPACKE", "CPUFeatures"], path: "Sources/Native/Linalg", swiftSettings: optimisedSettings),
    .target(name: "SoundFont", dependencies: ["CFluidSynth"], path: "Sources/Native/SoundFont", swiftSettings: swiftSettings),
    .target(name: "AudioFile", dependencies: ["CSndFile"], path: "Sources/Native/AudioFile", swiftSettings: swiftSettings),
    // The analysis's per-value kernels again (links to Weights/Analysis/Statistics/FusedPass.swift),
    // compiled for AVX-512 and for AVX2; Analysis calls the one of `Linalg.level`.
    .target(name: "AnalysisAVX512", path: "Sources/Native/AnalysisAVX512", swiftSettings: avx512Settings),
    .target(name: "AnalysisAVX2", path: "Sources/Native/AnalysisAVX2", swiftSettings: avx2Settings),
    // The f16/bf16 widening of checkpoints again (links to Weights/Checkpoint/Decode/Widening.swift).
    .target(name: "WideningAVX512", path: "Sources/Native/WideningAVX512", swiftSettings: avx512Settings),
    .target(name: "WideningAVX2", path: "Sources/Native/WideningAVX2", swiftSettings: avx2Settings),
    .target(name: "PackedGEMM", dependencies: ["Linalg", "CPrefetch"], path: "Sources/Native/PackedGEMM", swiftSettings: avx512Settings),
    // The same two files (links), compiled for AVX2 + FMA.
    .target(name: "PackedGEMMAVX2", dependencies: ["Linalg", "CPrefetch"], path: "Sources/Native/PackedGEMMAVX2", swiftSettings: avx2Settings),

    // MARK: - Support: small pieces every stage may use
    .target(name: "AtomicFile", path: "Sources/Support/AtomicFile", swiftSettings: swiftSettings),
    .target(name: "SeededRandom", path: "Sources/Support/SeededRandom", swiftSettings: swiftSettings),
    .target(name: "JSONText", path: "Sources/Support/JSONText", swiftSettings: optimisedSettings),

    // MARK: - Weights flow: model file → Checkpoint → Anatomy (roles) → Analysis (portrait) → Compare
    .target(
      name: "Checkpoint", dependencies: ["AtomicFile", "CPUFeatures", "WideningAVX2", "WideningAVX512"], path: "Sources/Weights/Checkpoint", swiftSettings: optimisedSettings),
    .target(name: "Anatomy", dependencies: ["Checkpoint"], path: "Sources/Weights/Anatomy", swiftSettings: swiftSettings),
    .target(
      name: "Analysis", dependencies: ["AtomicFile", "Checkpoint", "Anatomy", "Linalg", "JSONText", "AnalysisAVX512", "AnalysisAVX2"], path: "Sources/Weights/Analysis",
      swiftSettings: optimisedSettings),
    .target(name: "Compare", dependencies: ["Analysis", "Anatomy", "Checkpoint", "Score", "Theory"], path: "Sources/Weights/Compare", swiftSettings: optimisedSettings),

    // MARK: - Prompt flow: Tokenizer → Inference (forward pass) → Sonify
    .target(name: "Tokenizer", dependencies: ["Checkpoint", "AtomicFile"], path: "Sources/Language/Tokenizer", swiftSettings: optimisedSettings),
    .target(name: "Inference", dependencies: ["Checkpoint", "Linalg", "PackedGEMM", "PackedGEMMAVX2"], path: "Sources/Language/Inference", swiftSettings: optimisedSettings),
    // Looking inside a forward pass: the logit lens, head profiles, embedding projections.
    .target(name: "Inside", dependencies: ["Inference", "SeededRandom"], path: "Sources/Language/Inside", swiftSettings: optimisedSettings),
    .target(
      name: "Sonify", dependencies: ["Inference", "Inside", "Tokenizer", "Checkpoint", "Analysis", "Linalg", "Score", "Theory", "AtomicFile"],
      path: "Sources/Language/Sonify", swiftSettings: optimisedSettings),

    // MARK: - Music: theory, the score, its files, and the genres (Compose) that write scores from portraits
    .target(name: "Theory", path: "Sources/Music/Theory", swiftSettings: swiftSettings),
    .target(name: "Score", dependencies: ["Theory"], path: "Sources/Music/Score", swiftSettings: swiftSettings),
    .target(name: "StandardMIDI", dependencies: ["Score", "AtomicFile"], path: "Sources/Music/StandardMIDI", swiftSettings: swiftSettings),
    .target(name: "MusicXML", dependencies: ["Score", "Theory", "AtomicFile"], path: "Sources/Music/MusicXML", swiftSettings: swiftSettings),
    // Score files in (MusicXML, .mxl, Humdrum kern, ABC through abc2midi, MIDI), the event tokens
    // a music model reads, and the twelve genre corpora.
    .target(
      name: "ScoreReaders", dependencies: ["Score", "StandardMIDI", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      path: "Sources/Music/ScoreReaders", swiftSettings: optimisedSettings),
    .target(name: "MusicTokens", dependencies: ["Score"], path: "Sources/Music/MusicTokens", swiftSettings: optimisedSettings),
    .target(
      name: "Corpora", dependencies: ["Score", "Theory", "ScoreReaders", "MusicTokens", "AtomicFile", "SeededRandom"], path: "Sources/Music/Corpora",
      swiftSettings: optimisedSettings),
    // Make models: a native trainer and sampler for small GPT-2-style music models.
    .target(
      name: "Training", dependencies: ["COpenBLAS", "CPUFeatures", "Linalg", "PackedGEMM", "PackedGEMMAVX2", "Checkpoint", "MusicTokens", "Corpora", "AtomicFile"],
      path: "Sources/Music/Training", swiftSettings: optimisedSettings),
    .target(
      name: "Compose", dependencies: ["Analysis", "Anatomy", "Score", "Theory", "Synthesis", .product(name: "Yams", package: "Yams")],
      path: "Sources/Music/Compose", swiftSettings: optimisedSettings),

    // MARK: - Audio: score → sound
    .target(name: "Synthesis", path: "Sources/Audio/Synthesis", swiftSettings: optimisedSettings),
    .target(name: "Render", dependencies: ["Score", "SoundFont", "AudioFile", "Synthesis"], path: "Sources/Audio/Render", swiftSettings: optimisedSettings),

    // MARK: - App: one pipeline layer, and its two front ends (the command line and the studio)
    .target(
      name: "Pipeline",
      dependencies: [
        "Analysis", "Anatomy", "AtomicFile", "Checkpoint", "Compare", "Compose", "Inference", "MusicXML", "Render", "Score", "Sonify", "StandardMIDI",
        "Synthesis", "Theory", "Tokenizer", "ScoreReaders", "MusicTokens", "Corpora", "Training", "Inside", "JSONText",
      ],
      path: "Sources/App/Pipeline", swiftSettings: swiftSettings),
    // The studio's job queue (no HTTP), and the HTTP server over it with the page embedded.
    .target(
      name: "Studio", dependencies: ["Pipeline", "Analysis", "Checkpoint", "Compose", "Render", "Score", "Sonify"], path: "Sources/App/Studio", swiftSettings: swiftSettings),
    .target(
      name: "StudioServer", dependencies: ["Studio", "Pipeline", .product(name: "Hummingbird", package: "hummingbird")], path: "Sources/App/StudioServer",
      exclude: ["Page/README.md"],
      resources: [.embedInCode("Page/index.html"), .embedInCode("Page/studio.js"), .embedInCode("Page/studio.css")],
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "eigentone",
      dependencies: [
        "Pipeline", "Studio", "StudioServer", "Analysis", "Anatomy", "JSONText", "Checkpoint", "Compare", "Compose", "Inference", "Linalg", "Render", "Sonify",
        "Theory", "Tokenizer", "ScoreReaders", "MusicTokens", "Corpora", "Training", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/App/eigentone", swiftSettings: swiftSettings),

    // MARK: - Tests
    .target(name: "_TestSupport", dependencies: ["Checkpoint"], path: "Tests/_TestSupport", swiftSettings: swiftSettings),
    .testTarget(
      name: "CheckpointTests", dependencies: ["Checkpoint", "CPUFeatures", "WideningAVX2", "WideningAVX512", "_TestSupport"], resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings),
    .testTarget(name: "AnatomyTests", dependencies: ["Anatomy", "Checkpoint", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(
      name: "AnalysisTests", dependencies: ["Analysis", "AnalysisAVX512", "Anatomy", "Checkpoint", "Linalg", "_TestSupport"], resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings),
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
      name: "InferenceTests", dependencies: ["Inference", "Tokenizer", "Checkpoint", "Linalg", "PackedGEMM", "PackedGEMMAVX2", "_TestSupport"], resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings),
    .testTarget(name: "WrapperTests", dependencies: ["Linalg", "SoundFont", "AudioFile"], swiftSettings: swiftSettings),
    .testTarget(
      name: "StudioTests",
      dependencies: ["Pipeline", "Studio", "Analysis", "Compose", "Render", "Score", "Sonify", "StandardMIDI", "Checkpoint", "Compare", "_TestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
    .testTarget(
      name: "MusicInTests", dependencies: ["ScoreReaders", "MusicTokens", "Corpora", "Score", "StandardMIDI", "_TestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(name: "TrainingTests", dependencies: ["Training", "Checkpoint", "Inference", "MusicTokens", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "InsideTests", dependencies: ["Inside", "Inference", "Checkpoint", "SeededRandom", "_TestSupport"], swiftSettings: swiftSettings),
    .testTarget(name: "CommandLineTests", dependencies: ["_TestSupport"], swiftSettings: swiftSettings),
  ]
)
