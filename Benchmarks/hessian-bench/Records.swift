// Records: every measured case as JSON (`--json`), and the JAX results that
// scripts/bench_hessian_jax.py writes on the same machine (`--frameworks`).

import BenchmarkSupport
import Foundation

// MARK: - Our results

/// One digits model and loss: the Hessian's assembly and eigen-decomposition.
struct ExactRecord: Codable {
    var model: String
    var loss: String
    var parameters: Int
    /// `OneHiddenLayerHessian.hessian(inputs:targets:)`, median and every call.
    var structuredSeconds: Double
    var structuredRuns: [Double]
    /// Forward + `HessianOperator` + `fullHessian(directionsPerSweep: 16)`; nil when skipped.
    var genericSeconds: Double?
    var genericRuns: [Double]
    /// max|H_structured − H_generic| / max|H_generic|.
    var genericDifference: Double?
    /// `SymmetricEigen(of:computeVectors: false)`.
    var eigenvaluesSeconds: Double
    var eigenvaluesRuns: [Double]
    /// `SymmetricEigen(of:computeVectors: true)`.
    var eigenvectorsSeconds: Double
    var eigenvectorsRuns: [Double]
    /// `eigenvaluesDeflatingZeroRows(of:)`, and how many rows it set aside.
    var deflatedSeconds: Double
    var deflatedRuns: [Double]
    var zeroRows: Int
    var largestEigenvalue: Double
    var smallestEigenvalue: Double
    var negativeEigenvalues: Int
    var trace: Double
    var frobeniusNorm: Double
    /// The share of the CPUs others used while this case ran (0…1).
    var competingLoad: Double?
    /// How many times the case was measured (again while others used the CPUs).
    var attempts: Int?
}

/// Top-5 Lanczos on the 784-256-256-10 model.
struct LanczosRecord: Codable {
    var model: String
    var parameters: Int
    var samples: Int
    var tolerance: Double
    /// Forward + `HessianOperator` + `Lanczos.eigenpairs`, median and every call.
    var seconds: Double
    var runs: [Double]
    /// One `apply(along:)` on an existing operator, median.
    var productSeconds: Double
    /// Forward + `HessianOperator` (the recorded gradient), median.
    var buildSeconds: Double
    var products: Int
    var converged: Bool
    var eigenvalues: [Double]
    var residualBounds: [Double]
    var competingLoad: Double?
    var attempts: Int?
}

/// A record that carries the competing load of its measurement.
protocol LoadRecording {
    var competingLoad: Double? { get }
    var attempts: Int? { get set }
}

extension ExactRecord: LoadRecording {}
extension LanczosRecord: LoadRecording {}

/// The whole run, as written by `--json`.
struct RunResults: Encodable {
    var program = "hessian-bench"
    var arguments: [String]
    var seed: UInt64
    var machine: MachineDescription
    var totalSeconds: Double
    var exact: [ExactRecord]
    var lanczos: LanczosRecord?
    /// The JAX results given with `--frameworks`, if any.
    var frameworks: FrameworkResults?
    var checksum: Double
}

// MARK: - JAX

/// What scripts/bench_hessian_jax.py writes.
struct FrameworkResults: Codable, ComparisonResults {
    struct Exact: Codable {
        var model: String
        var loss: String
        var parameters: Int
        var hessianSeconds: Double
        var hessianCompileSeconds: Double
        var eighSeconds: Double
        var eigvalshSeconds: Double
        var largestEigenvalue: Double
        var smallestEigenvalue: Double
        var trace: Double
        var frobeniusNorm: Double
        var competingLoad: Double?
    }

    struct Eigsh: Codable {
        var tolerance: Double
        var seconds: Double
        var products: [Int]
        var eigenvalues: [Double]
    }

    struct Lanczos: Codable {
        var model: String
        var parameters: Int
        var samples: Int
        var hvpSeconds: Double
        var eigsh: [Eigsh]
        var competingLoad: Double?
    }

    var program: String
    var jaxVersion: String
    var scipyVersion: String
    var threads: Int
    var threadSettings: String
    var seed: UInt64
    var repeats: Int
    var exact: [Exact]
    var lanczos: Lanczos?

    static let optionName = "frameworks"
    static let optionHelp =
        "JSON from scripts/bench_hessian_jax.py: adds JAX columns, ratios and the agreement of the eigenvalues."
    static let description = "JAX results"
    static let producer = "scripts/bench_hessian_jax.py --json"

    /// JAX's record for this model and loss.
    func exact(model: String, loss: String) -> Exact? { exact.first { $0.model == model && $0.loss == loss } }
}
