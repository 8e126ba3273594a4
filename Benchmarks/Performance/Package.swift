// swift-tools-version: 6.1
// The package-benchmark suite of Descent (`scripts/bench` runs it).
//
// Design note. This is a package of its own, nested under Benchmarks/, so that
// the library never depends on package-benchmark: the root Package.swift does
// not mention it, and `swift build` / `swift test` at the root never resolve,
// build or link it. It sees the root package through `.package(path: "../..")`
// and imports only what the root exports as a product, the `Descent` umbrella.
// The raw-BLAS/LAPACK baselines need the C entry points, and the root's
// `COpenBLAS` is a target, not a product; `CBaselineBLAS` below is the same
// three-line system-library module (pkg-config "openblas", links openblas and
// lapacke) under another name, so both sides call the very same library.
//
// package-benchmark 1.38 on Swift 6.3 measures mallocs with its own interposer
// (the "MallocInterposer" trait); it needs no jemalloc. Listing that trait alone
// also leaves out the "RuntimeInterposer" trait, whose package is not needed.
import PackageDescription

/// What every benchmark target links: the library, the C baselines and the harness.
let benchmarkDependencies: [Target.Dependency] = [
    .product(name: "Descent", package: "Descent"),
    "CBaselineBLAS",
    "PerformanceSupport",
    .product(name: "Benchmark", package: "benchmark"),
]

/// A benchmark target in the layout the plugin expects: Benchmarks/<Name>/<Name>.swift.
func benchmarkTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: benchmarkDependencies,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "DescentPerformance",
    platforms: [.macOS(.v13)],
    dependencies: [
        // `name:` makes the product reference independent of the clone's folder name.
        .package(name: "Descent", path: "../.."),
        // package-benchmark, under its current name (the old one, package-benchmark, makes the plugin warn).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // cblas_dgemm and LAPACKE_dsyevd for the baselines, found through pkg-config.
        .systemLibrary(
            name: "CBaselineBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // The paired-ratio metric that the benchmark targets share.
        .target(
            name: "PerformanceSupport",
            dependencies: [.product(name: "Benchmark", package: "benchmark")]
        ),
        // GEMM wrapper overhead and the symmetric eigen-decomposition, each against the bare C call.
        benchmarkTarget("LinalgBenchmarks"),
        // One MLP training step (digits, 64-128-10) with SGD and Adam.
        benchmarkTarget("TrainingBenchmarks"),
        // HVP vs gradient, full Hessians (structured and generic), Lanczos top-5.
        benchmarkTarget("HessianBenchmarks"),
    ],
    swiftLanguageModes: [.v6]
)
