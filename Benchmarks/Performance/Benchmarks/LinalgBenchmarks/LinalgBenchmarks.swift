// LinalgBenchmarks: what DescentLinalg's wrappers cost over the bare C calls.
//
// Design note. Each case is registered twice, "Descent" and "raw", so that the
// two sides run in the same `swift package benchmark` session one after the
// other and docs/benchmarks.md can report their ratio (this machine is shared
// and noisy; a ratio from one session is steadier than an absolute time).
// - GEMM, C = A·B for n×n Double matrices, n = 64, 256, 1024: `gemm(a, b, into: &c)`
//   against `cblas_dgemm` reading the very same A and B storage (the matrices'
//   own arrays) and writing a preallocated Swift array of the same size.
//   At n = 64 one call is ~20 µs, so an iteration is 1000 calls (scaling
//   factor .kilo) and the harness's per-iteration cost disappears.
// - Symmetric eigen-decomposition, all pairs with vectors, n = 200 and 1000:
//   `SymmetricEigen(of:)` against `LAPACKE_dsyevd` on a copy of the input made
//   in the timed region (LAPACK overwrites its input; ours copies too).
// A third benchmark per case, "paired", times both sides back to back in every
// iteration (order alternating) and reports Descent/raw as a custom metric in
// per mille: the robust figure when the machine's load changes between the
// two separate benchmarks (PerformanceSupport/PairedRatio.swift).
// Setup checks first that both sides give bitwise-identical results, so the
// rows time the same arithmetic.

import Benchmark
import CBaselineBLAS
import Descent
import PerformanceSupport

/// Descent's time over the raw call's, per mille.
let overRaw = ratioMetric("Descent/raw")

/// Configuration of a paired benchmark: the ratio and the wall clock of both sides together.
func pairedConfiguration(maxDuration: Duration = .seconds(3)) -> Benchmark.Configuration {
    .init(metrics: [overRaw, .wallClock], warmupIterations: 3, maxDuration: maxDuration, maxIterations: 1000)
}

let benchmarks: @Sendable () -> Void = {
    useSuiteDefaults(warmupIterations: 3, maxDuration: .seconds(3), maxIterations: 1000)

    for n in [64, 256, 1024] {
        let configuration = Benchmark.Configuration(scalingFactor: n == 64 ? .kilo : .one)
        Benchmark("GEMM n=\(n) Descent gemm(_:_:into:)", configuration: configuration) { benchmark, state in
            for _ in benchmark.scaledIterations { gemm(state.a, state.b, into: &state.c) }
            blackHole(state.c[n - 1, n - 1])
        } setup: {
            try GEMMCase(n: n)
        }
        Benchmark("GEMM n=\(n) raw cblas_dgemm", configuration: configuration) { benchmark, state in
            for _ in benchmark.scaledIterations { state.rawGEMM() }
            blackHole(state.rawC[n * n - 1])
        } setup: {
            try GEMMCase(n: n)
        }
        // Calls a side: at n = 64 one call is ~20 µs (50 keep the clock's cost out of the
        // ratio); at n = 256, ~1 ms (5 smooth out OpenBLAS's thread wake-ups).
        let calls = n == 64 ? 50 : n == 256 ? 5 : 1
        Benchmark("GEMM n=\(n) paired Descent/raw", configuration: pairedConfiguration()) { benchmark, state in
            for iteration in benchmark.scaledIterations {
                let ratio = pairedRatio(
                    iteration: iteration, calls: calls, numerator: { gemm(state.a, state.b, into: &state.c) },
                    denominator: { state.rawGEMM() })
                record(ratio, as: overRaw, in: benchmark)
            }
        } setup: {
            try GEMMCase(n: n)
        }
    }

    for n in [200, 1000] {
        let configuration = Benchmark.Configuration(maxDuration: .seconds(n == 1000 ? 8 : 3))
        Benchmark("SymmetricEigen n=\(n) Descent SymmetricEigen(of:)", configuration: configuration) { benchmark, state in
            for _ in benchmark.scaledIterations { blackHole(try state.descentEigen().values[0]) }
        } setup: {
            try EigenCase(n: n)
        }
        Benchmark("SymmetricEigen n=\(n) raw LAPACKE_dsyevd", configuration: configuration) { benchmark, state in
            for _ in benchmark.scaledIterations { blackHole(try state.rawEigen()) }
        } setup: {
            try EigenCase(n: n)
        }
        Benchmark(
            "SymmetricEigen n=\(n) paired Descent/raw",
            configuration: pairedConfiguration(maxDuration: .seconds(n == 1000 ? 10 : 3))
        ) { benchmark, state in
            for iteration in benchmark.scaledIterations {
                let ratio = try pairedRatio(
                    iteration: iteration, numerator: { blackHole(try state.descentEigen().values[0]) },
                    denominator: { blackHole(try state.rawEigen()) })
                record(ratio, as: overRaw, in: benchmark)
            }
        } setup: {
            try EigenCase(n: n)
        }
    }
}

// MARK: - GEMM

/// A, B and both outputs of one GEMM size.
final class GEMMCase {
    let n: Int
    let a: Matrix<Double>
    let b: Matrix<Double>
    var c: Matrix<Double>
    /// The raw call's output: a Swift array, allocated the way a matrix's storage is.
    var rawC: [Double]

    /// Draws A and B (seeded by n) and checks that both sides agree bit for bit.
    init(n: Int) throws(BaselineMismatch) {
        self.n = n
        var generator = Xoshiro256StarStar(seed: 0x6E6D_6D00 &+ UInt64(n))
        a = Matrix.randomNormal(rows: n, columns: n, using: &generator)
        b = Matrix.randomNormal(rows: n, columns: n, using: &generator)
        c = Matrix(rows: n, columns: n)
        rawC = [Double](repeating: .nan, count: n * n)
        gemm(a, b, into: &c)
        rawGEMM()
        guard c.elements == rawC else { throw BaselineMismatch("GEMM n = \(n): gemm(_:_:into:) and cblas_dgemm differ") }
    }

    /// `cblas_dgemm`, row-major, α = 1, β = 0, on A's and B's own storage.
    func rawGEMM() {
        let size = Int32(n)
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                rawC.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, pa.baseAddress, size,
                        pb.baseAddress, size, 0, pc.baseAddress, size)
                }
            }
        }
    }
}

// MARK: - Symmetric eigen-decomposition

/// A symmetric matrix with distinct eigenvalues and the raw call's work space.
final class EigenCase {
    let n: Int
    let matrix: Matrix<Double>
    var work: [Double]
    var values: [Double]

    /// Draws the matrix (eigenvalues k/n, k = 1…n: distinct, so divide and
    /// conquer deflates little) and checks that both sides agree bit for bit.
    init(n: Int) throws {
        self.n = n
        var generator = Xoshiro256StarStar(seed: 0x5945_5644 &+ UInt64(n))
        matrix = try Matrix.randomSymmetric(eigenvalues: (1...n).map { Double($0) / Double(n) }, using: &generator).matrix
        work = [Double](repeating: 0, count: n * n)
        values = [Double](repeating: 0, count: n)
        let ours = try descentEigen()
        _ = try rawEigen()
        guard ours.values == values else { throw BaselineMismatch("syevd n = \(n): eigenvalues differ") }
        guard let vectors = ours.vectors,
            (0..<n).allSatisfy({ i in (0..<n).allSatisfy { j in vectors[i, j] == work[j * n + i] } })
        else { throw BaselineMismatch("syevd n = \(n): eigenvectors differ") }
    }

    /// All eigenpairs through the library.
    func descentEigen() throws -> SymmetricEigen<Double> {
        try SymmetricEigen(of: matrix, selecting: .all, computeVectors: true)
    }

    /// Copies the input into the work array and calls `LAPACKE_dsyevd` (column-major
    /// on the row-major buffer: the matrix is symmetric). Returns the smallest eigenvalue.
    func rawEigen() throws(BaselineMismatch) -> Double {
        let size = Int32(n)
        let info = matrix.elements.withUnsafeBufferPointer { input in
            work.withUnsafeMutableBufferPointer { workBuffer in
                values.withUnsafeMutableBufferPointer { valueBuffer in
                    workBuffer.baseAddress!.update(from: input.baseAddress!, count: n * n)
                    return LAPACKE_dsyevd(
                        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), size,
                        workBuffer.baseAddress, size, valueBuffer.baseAddress)
                }
            }
        }
        guard info == 0 else { throw BaselineMismatch("LAPACKE_dsyevd returned info = \(info) for n = \(n)") }
        return values[0]
    }
}

// MARK: - Errors

/// The library and the baseline disagree, or the baseline failed: the timings would not compare like with like.
struct BaselineMismatch: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
