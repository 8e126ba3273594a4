// GEMM: our `gemm(_:_:into:)` against `cblas_?gemm` on the same buffers.
//
// Both sides compute C = A·B for square n×n row-major matrices with α = 1,
// β = 0. Ours goes through the public generic entry point (shape checks,
// `Scalar.routines` table, buffer closures, one CBLAS call); the baseline is
// the bare CBLAS call on raw pointers to the same A, B and C buffers, taken
// once, outside the timed loop. The results must be bitwise identical.

import BenchmarkSupport
import DescentLinalg

/// The size at which the wrapper's cost target starts to apply.
let gemmTargetFromSize = 128
let gemmTarget = RatioTarget(maximumRatio: 1.03)

func gemmTable() -> ResultTable {
    ResultTable(
        title: "GEMM: `gemm(a, b, into: &c)` vs `cblas_?gemm` (C = A·B, n×n)",
        header: [
            "type", "n", "ours (median)", "direct (median)", "ours GFLOP/s", "direct GFLOP/s",
            "ours/direct", "paired ratios: median (IQR)", "samples × calls", "target", "result",
        ])
}

/// Measures one size and appends its row.
func benchmarkGEMM<Scalar: DirectRoutines>(
    _: Scalar.Type, n: Int, policy: MeasurementPolicy,
    seed: UInt64, into table: inout ResultTable
) {
    progress("gemm \(Scalar.self) n = \(n)…")
    var generator = caseGenerator(seed: seed, suite: .gemm, size: n, Scalar.self)
    let a = Matrix<Scalar>.randomNormal(rows: n, columns: n, using: &generator)
    let b = Matrix<Scalar>.randomNormal(rows: n, columns: n, using: &generator)
    var c = Matrix<Scalar>(rows: n, columns: n)
    let size = Int32(n)

    // Correctness first, in separate output buffers: the results must be identical.
    gemm(a, b, into: &c)
    let expected = c.elements.withUnsafeBufferPointer { Array($0) }  // A copy: `c` must stay uniquely referenced.
    var check = [Scalar](repeating: .nan, count: n * n)
    a.elements.withUnsafeBufferPointer { pa in
        b.elements.withUnsafeBufferPointer { pb in
            check.withUnsafeMutableBufferPointer { pc in
                Scalar.directGEMM(n: size, a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!)
            }
        }
    }
    precondition(check == expected, "gemm \(Scalar.self) n = \(n): ours and direct results differ")

    // Timing: the direct call reads and writes the very buffers our matrices own
    // (the alignment of C alone moves sgemm at n = 128 by ~5%). `c` stays
    // uniquely referenced, so its buffer never moves while the pointer is in use;
    // `a.elements` shares its matrix's buffer (copy-on-write).
    let cStart = c.elements.withUnsafeBufferPointer { UnsafeMutablePointer(mutating: $0.baseAddress!) }
    let samples = a.elements.withUnsafeBufferPointer { pa in
        b.elements.withUnsafeBufferPointer { pb in
            let (aStart, bStart) = (pa.baseAddress!, pb.baseAddress!)
            return measurePair(
                policy: policy,
                ours: { gemm(a, b, into: &c) },
                baseline: { Scalar.directGEMM(n: size, a: aStart, b: bStart, c: cStart) })
        }
    }
    precondition(
        c.elements.withUnsafeBufferPointer { $0.baseAddress } == UnsafePointer(cStart),
        "gemm \(Scalar.self) n = \(n): the output buffer moved during timing")
    precondition(c.elements == expected, "gemm \(Scalar.self) n = \(n): results changed during timing")
    blackHole(c[n - 1, n - 1])

    let flops = 2 * Double(n) * Double(n) * Double(n)
    let ratio = samples.ratioOfMedians
    let applies = n >= gemmTargetFromSize
    table.append(
        [
            "\(Scalar.self)", "\(n)", duration(samples.oursMedian), duration(samples.baselineMedian),
            fixed(flops / samples.oursMedian * 1e-9, 1), fixed(flops / samples.baselineMedian * 1e-9, 1),
            fixed(ratio, 3), pairedRatioSummary(samples), "\(samples.ours.count) × \(samples.callsPerSample)",
            applies ? gemmTarget.text : "(n < \(gemmTargetFromSize))",
            applies ? gemmTarget.verdict(ratio).text : Verdict.informational.text,
        ], verdict: applies ? gemmTarget.verdict(ratio) : .informational)
}
