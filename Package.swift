// swift-tools-version: 6.3
// Descent: neural-network training and convergence analysis on OpenBLAS/LAPACKE.
// Layers and their import rules are described in docs/architecture.md.
import PackageDescription

let package = Package(
    name: "Descent",
    products: [
        .library(name: "Descent", targets: ["Descent"]),
        .executable(name: "eigen", targets: ["eigen"]),
        .executable(name: "bowl-bench", targets: ["bowl-bench"]),
    ],
    dependencies: [
        // RealModule (the `Real` protocol) and ComplexModule (eigenvalues of non-symmetric matrices).
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        // Command-line parsing of the two programs (eigen, bowl-bench) and the benchmark programs.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The only target that sees C. Paths come from pkg-config; on Debian the
        // headers live in a multiarch folder, so nothing is hard-coded here.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        .target(
            name: "DescentLinalg",
            dependencies: [
                "COpenBLAS",
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "ComplexModule", package: "swift-numerics"),
            ]
        ),
        // Reverse-mode autograd on `Matrix` values, with exact Hessian-vector products.
        .target(
            name: "DescentAutograd",
            dependencies: ["DescentLinalg", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // Layers, losses, initializers and normalization, built from autograd operations.
        .target(
            name: "DescentNN",
            dependencies: ["DescentAutograd"]
        ),
        // Self-contained SVG charts (line, histogram, small multiples); DescentLinalg only for atomic writes.
        .target(
            name: "DescentPlot",
            dependencies: ["DescentLinalg"]
        ),
        // Optimizers, schedules and clipping on plain parameter arrays: no layers, so
        // the same optimizer drives a network and a quadratic bowl.
        .target(
            name: "DescentOptimizers",
            dependencies: ["DescentLinalg"]
        ),
        // Data sets, batching and the training loop (history, callbacks, checkpoints).
        .target(
            name: "DescentTraining",
            dependencies: ["DescentOptimizers", "DescentNN"],
            resources: [.copy("Datasets")]
        ),
        // Quadratic bowls, convergence theory checked against the optimizers, and
        // Hessian spectra of networks (exact, Lanczos, Hutchinson, SLQ).
        .target(
            name: "DescentConvergence",
            dependencies: ["DescentTraining", "DescentPlot"]
        ),
        .target(
            name: "Descent",
            dependencies: [
                "DescentLinalg", "DescentAutograd", "DescentNN", "DescentPlot", "DescentOptimizers", "DescentTraining",
                "DescentConvergence",
            ]
        ),
        // What the command-line programs share: one-line error reports with the right
        // exit status, a progress line, atomic text output.
        .target(
            name: "CommandLineSupport",
            dependencies: ["DescentLinalg", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Eigen-analysis of matrices on disk, data sets and trained networks' Hessians.
        .executableTarget(
            name: "eigen",
            dependencies: [
                "Descent", "CommandLineSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Optimizers on quadratic bowls, side by side with the theory.
        .executableTarget(
            name: "bowl-bench",
            dependencies: [
                "Descent", "CommandLineSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/bowl-bench"
        ),
        // What both benchmark programs report about the machine they ran on.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                "COpenBLAS", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/BenchmarkSupport"
        ),
        .executableTarget(
            name: "linalg-bench",
            dependencies: [
                "DescentLinalg", "COpenBLAS", "BenchmarkSupport", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/linalg-bench"
        ),
        // Gradient and Hessian-vector cost of the autograd engine against hand-written backprop on BLAS.
        .executableTarget(
            name: "autograd-bench",
            dependencies: [
                "DescentNN", "COpenBLAS", "BenchmarkSupport", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/autograd-bench"
        ),
        // Training throughput (samples/s) of the digits MLP against PyTorch and JAX measured in the same session.
        .executableTarget(
            name: "training-bench",
            dependencies: [
                "DescentTraining", "COpenBLAS", "BenchmarkSupport", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/training-bench"
        ),
        // Exact Hessians (structured and generic) and Lanczos against JAX measured in the same session.
        .executableTarget(
            name: "hessian-bench",
            dependencies: [
                "DescentConvergence", "COpenBLAS", "BenchmarkSupport", "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/hessian-bench"
        ),
        .executableTarget(
            name: "descent-demo",
            dependencies: ["Descent"],
            path: "Sources/descent-demo"
        ),
        // Regenerates the figures of docs/guides (run from the repository root).
        .executableTarget(
            name: "guide-figures",
            dependencies: ["Descent"],
            path: "Examples/guide-figures"
        ),
        .testTarget(
            name: "DescentLinalgTests",
            dependencies: ["DescentLinalg"],
            resources: [.copy("Fixtures")]
        ),
        // Finite-difference references shared by the test targets (not a product).
        .target(
            name: "DescentTestSupport",
            dependencies: ["DescentAutograd"]
        ),
        .testTarget(
            name: "DescentAutogradTests",
            dependencies: ["DescentAutograd", "DescentTestSupport"]
        ),
        .testTarget(
            name: "DescentNNTests",
            dependencies: ["DescentNN", "DescentTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DescentOptimizersTests",
            dependencies: ["DescentOptimizers", "DescentNN", "DescentTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DescentTrainingTests",
            dependencies: ["DescentTraining"]
        ),
        .testTarget(
            name: "DescentConvergenceTests",
            dependencies: ["DescentConvergence", "DescentTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // End-to-end tests that run the built `eigen` and `bowl-bench` binaries.
        .testTarget(
            name: "DescentProgramTests",
            dependencies: ["eigen", "bowl-bench", "DescentLinalg"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DescentPlotTests",
            dependencies: ["DescentPlot"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
