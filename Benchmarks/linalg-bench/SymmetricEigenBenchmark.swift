// SymmetricEigen: `SymmetricEigen(of:)` (all pairs, with vectors) against a
// direct `LAPACKE_?syevd` call.
//
// The baseline is what a careful C programmer writes: LAPACK overwrites its
// input, so every repetition first copies the input into a preallocated work
// buffer, then calls syevd with LAPACK_COL_MAJOR, jobz 'V', uplo 'L' on the
// row-major buffer (a symmetric matrix is its own transpose). Ours also
// validates the input (square, finite, symmetric) and transposes the
// eigenvector matrix into row-major order; both are O(n²) against syevd's O(n³).
// Both sides must produce bitwise-identical eigenvalues and eigenvectors.

import BenchmarkSupport
import DescentLinalg

let eigenTarget = RatioTarget(maximumRatio: 1.05)

func eigenTable() -> ResultTable {
    ResultTable(
        title: "Symmetric eigen-decomposition: `SymmetricEigen(of:)` vs `LAPACKE_?syevd` (all pairs, vectors)",
        header: [
            "type", "n", "ours (median)", "direct (median)", "ours − direct", "ours/direct",
            "paired ratios: median (IQR)", "samples", "target", "result",
        ])
}

/// A symmetric test matrix with eigenvalues spread evenly over (0, 1]: distinct,
/// so divide and conquer deflates little (its slower, typical case).
func symmetricTestMatrix<Scalar: BLASScalar>(
    _: Scalar.Type, n: Int, generator: inout Xoshiro256StarStar
) -> Matrix<Scalar> {
    let spectrum = (1...n).map { Scalar($0) / Scalar(n) }
    do {
        return try Matrix<Scalar>.randomSymmetric(eigenvalues: spectrum, using: &generator).matrix
    } catch {
        fatalError("Could not build the \(n)×\(n) test matrix: \(error)")
    }
}

/// Measures one size and appends its row.
func benchmarkSymmetricEigen<Scalar: DirectRoutines>(
    _: Scalar.Type, n: Int, policy: MeasurementPolicy,
    seed: UInt64, into table: inout ResultTable
) {
    progress("syevd \(Scalar.self) n = \(n)…")
    var generator = caseGenerator(seed: seed, suite: .syevd, size: n, Scalar.self)
    let a = symmetricTestMatrix(Scalar.self, n: n, generator: &generator)
    var ours: SymmetricEigen<Scalar>? = nil
    var work = [Scalar](repeating: 0, count: n * n)
    var values = [Scalar](repeating: 0, count: n)
    let size = Int32(n)

    let samples = a.elements.withUnsafeBufferPointer { input in
        work.withUnsafeMutableBufferPointer { workBuffer in
            values.withUnsafeMutableBufferPointer { valueBuffer in
                let (inputStart, workStart, valuesStart) = (input.baseAddress!, workBuffer.baseAddress!, valueBuffer.baseAddress!)
                return measurePair(
                    policy: policy,
                    ours: {
                        do {
                            let eigen = try SymmetricEigen(of: a, selecting: .all, computeVectors: true)
                            blackHole(eigen.values[0])
                            ours = eigen
                        } catch {
                            fatalError("SymmetricEigen(of:) failed for n = \(n): \(error)")
                        }
                    },
                    baseline: {
                        workStart.update(from: inputStart, count: n * n)
                        let info = Scalar.directSYEVD(n: size, a: workStart, values: valuesStart)
                        if info != 0 { fatalError("LAPACKE_?syevd returned info = \(info) for n = \(n)") }
                        blackHole(valuesStart[0])
                    })
            }
        }
    }
    verifySameDecomposition(ours, values: values, columnMajorVectors: work, n: n)

    let ratio = samples.ratioOfMedians
    table.append(
        [
            "\(Scalar.self)", "\(n)", duration(samples.oursMedian), duration(samples.baselineMedian),
            duration(samples.oursMedian - samples.baselineMedian), fixed(ratio, 3), pairedRatioSummary(samples),
            "\(samples.ours.count)", eigenTarget.text, eigenTarget.verdict(ratio).text,
        ], verdict: eigenTarget.verdict(ratio))
}

/// Stops the run unless ours equals the direct result bit for bit: same
/// eigenvalues, and our row-major vectors are the transpose of LAPACK's
/// column-major ones.
private func verifySameDecomposition<Scalar: BLASScalar>(
    _ eigen: SymmetricEigen<Scalar>?, values: [Scalar], columnMajorVectors: [Scalar], n: Int
) {
    guard let eigen, let vectors = eigen.vectors else { preconditionFailure("syevd n = \(n): no result recorded") }
    precondition(eigen.values == values, "syevd \(Scalar.self) n = \(n): eigenvalues differ from the direct call")
    let sameVectors = vectors.elements.withUnsafeBufferPointer { rowMajor in
        columnMajorVectors.withUnsafeBufferPointer { columnMajor in
            (0..<n).allSatisfy { i in (0..<n).allSatisfy { j in rowMajor[i * n + j] == columnMajor[j * n + i] } }
        }
    }
    precondition(sameVectors, "syevd \(Scalar.self) n = \(n): eigenvectors differ from the direct call")
}
