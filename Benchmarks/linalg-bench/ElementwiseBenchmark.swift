// Element-wise specialization check: `a + b` and `a.sum()` on Matrix<Float>
// and Matrix<Double> through the library, against hand-written loops over
// `[Float]` / `[Double]`.
//
// The library's element-wise code is `@inlinable` generic code; this module
// must specialize it for Float and Double, or every element goes through a
// witness table. The baselines are concrete (not generic) so they cannot
// suffer from the problem being checked. The "forced unspecialized" rows show
// what a failure looks like: the same library call from a generic function
// the optimizer is told never to specialize.

import BenchmarkSupport
import DescentLinalg

/// Specialized library code should run as fast as the hand-written loop.
let elementwiseTarget = RatioTarget(maximumRatio: 1.10)
/// Above this ratio the code is taken to be unspecialized (that costs 10–100×);
/// between the target and this, it is specialized but does extra work.
let unspecializedRatio = 3.0

func elementwiseTable(count: Int) -> ResultTable {
    ResultTable(
        title: "Element-wise, \(count) elements: library `Matrix` code vs hand-written loops over arrays",
        header: [
            "operation", "type", "ours (median)", "hand-written (median)", "ours GB/s", "ours/hand-written",
            "paired ratios: median (IQR)", "samples × calls", "target", "result",
        ])
}

// MARK: - Hand-written baselines

/// `a + b` into a new array, one fused loop.
func handWrittenSum(_ a: [Double], _ b: [Double]) -> [Double] {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            [Double](unsafeUninitializedCapacity: pa.count) { result, initialized in
                for index in 0..<pa.count { result[index] = pa[index] + pb[index] }
                initialized = pa.count
            }
        }
    }
}

func handWrittenSum(_ a: [Float], _ b: [Float]) -> [Float] {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            [Float](unsafeUninitializedCapacity: pa.count) { result, initialized in
                for index in 0..<pa.count { result[index] = pa[index] + pb[index] }
                initialized = pa.count
            }
        }
    }
}

/// The sum of all elements with the library's algorithm (eight interleaved
/// partial sums), so only the cost of generic code differs.
func handWrittenTotal(_ a: [Double]) -> Double {
    a.withUnsafeBufferPointer { p in
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
        let blocked = p.count - p.count % 8
        var index = 0
        while index < blocked {
            s0 += p[index]; s1 += p[index + 1]; s2 += p[index + 2]; s3 += p[index + 3]
            s4 += p[index + 4]; s5 += p[index + 5]; s6 += p[index + 6]; s7 += p[index + 7]
            index += 8
        }
        var total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        while index < p.count { total += p[index]; index += 1 }
        return total
    }
}

func handWrittenTotal(_ a: [Float]) -> Float {
    a.withUnsafeBufferPointer { p in
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        var s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        let blocked = p.count - p.count % 8
        var index = 0
        while index < blocked {
            s0 += p[index]; s1 += p[index + 1]; s2 += p[index + 2]; s3 += p[index + 3]
            s4 += p[index + 4]; s5 += p[index + 5]; s6 += p[index + 6]; s7 += p[index + 7]
            index += 8
        }
        var total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        while index < p.count { total += p[index]; index += 1 }
        return total
    }
}

/// Column sums of a row-major `rows`×`columns` array (the bias gradient of a dense layer).
func handWrittenColumnSums(_ a: [Double], rows: Int, columns: Int) -> [Double] {
    a.withUnsafeBufferPointer { p in
        var result = [Double](repeating: 0, count: columns)
        result.withUnsafeMutableBufferPointer { sums in
            for i in 0..<rows {
                for j in 0..<columns { sums[j] += p[i * columns + j] }
            }
        }
        return result
    }
}

// MARK: - Forced unspecialized references

/// `a + b` compiled once for all scalar types (the failure this check exists to catch).
@_semantics("optimize.sil.specialize.generic.never")
@inline(never)
func unspecializedAdd<Scalar: BLASScalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) -> Matrix<Scalar> { a + b }

/// `a.sum()` compiled once for all scalar types.
@_semantics("optimize.sil.specialize.generic.never")
@inline(never)
func unspecializedTotal<Scalar: BLASScalar>(_ a: Matrix<Scalar>) -> Scalar { a.sum() }

// MARK: - Running

/// Appends one row comparing `ours` with `handWritten`; `bytes` is the memory traffic of one call.
func appendElementwiseRow(
    _ operation: String, type: String, bytes: Double, target: RatioTarget?, policy: MeasurementPolicy,
    ours: () -> Void, handWritten: () -> Void, into table: inout ResultTable
) {
    progress("elementwise \(operation) \(type)…")
    let samples = measurePair(policy: policy, ours: ours, baseline: handWritten)
    let ratio = samples.ratioOfMedians
    let verdict = target?.verdict(ratio) ?? .informational
    var verdictText = verdict.text
    if verdict == .fail {
        verdictText += ratio > unspecializedRatio ? " (not specialized)" : " (specialized, extra work)"
    }
    table.append(
        [
            operation, type, duration(samples.oursMedian), duration(samples.baselineMedian),
            fixed(bytes / samples.oursMedian * 1e-9, 1), fixed(ratio, 3), pairedRatioSummary(samples),
            "\(samples.ours.count) × \(samples.callsPerSample)", target?.text ?? "(reference)", verdictText,
        ], verdict: verdict)
}

/// Runs the checks for both types on square matrices of `count` elements.
func benchmarkElementwise(count: Int, policy: MeasurementPolicy, seed: UInt64, into table: inout ResultTable) {
    let side = Int(Double(count).squareRoot().rounded())
    precondition(side * side == count, "The element-wise check needs a square count, got \(count)")

    var generator = caseGenerator(seed: seed, suite: .elementwise, size: count, Double.self)
    let aDouble = Matrix<Double>.randomNormal(rows: side, columns: side, using: &generator)
    let bDouble = Matrix<Double>.randomNormal(rows: side, columns: side, using: &generator)
    let (aDoubles, bDoubles) = (aDouble.elements, bDouble.elements)
    generator = caseGenerator(seed: seed, suite: .elementwise, size: count, Float.self)
    let aFloat = Matrix<Float>.randomNormal(rows: side, columns: side, using: &generator)
    let bFloat = Matrix<Float>.randomNormal(rows: side, columns: side, using: &generator)
    let (aFloats, bFloats) = (aFloat.elements, bFloat.elements)
    precondition((aDouble + bDouble).elements == handWrittenSum(aDoubles, bDoubles), "a + b (Double) disagrees")
    precondition((aFloat + bFloat).elements == handWrittenSum(aFloats, bFloats), "a + b (Float) disagrees")
    precondition(aDouble.sum() == handWrittenTotal(aDoubles), "sum() (Double) disagrees")
    precondition(aFloat.sum() == handWrittenTotal(aFloats), "sum() (Float) disagrees")

    let n = Double(count)
    appendElementwiseRow(
        "`a + b`", type: "Double", bytes: 24 * n, target: elementwiseTarget, policy: policy,
        ours: { blackHole((aDouble + bDouble)[side - 1, side - 1]) },
        handWritten: { blackHole(handWrittenSum(aDoubles, bDoubles)[count - 1]) }, into: &table)
    appendElementwiseRow(
        "`a + b`", type: "Float", bytes: 12 * n, target: elementwiseTarget, policy: policy,
        ours: { blackHole((aFloat + bFloat)[side - 1, side - 1]) },
        handWritten: { blackHole(handWrittenSum(aFloats, bFloats)[count - 1]) }, into: &table)
    appendElementwiseRow(
        "`a.sum()`", type: "Double", bytes: 8 * n, target: elementwiseTarget, policy: policy,
        ours: { blackHole(aDouble.sum()) },
        handWritten: { blackHole(handWrittenTotal(aDoubles)) }, into: &table)
    appendElementwiseRow(
        "`a.sum()`", type: "Float", bytes: 4 * n, target: elementwiseTarget, policy: policy,
        ours: { blackHole(aFloat.sum()) },
        handWritten: { blackHole(handWrittenTotal(aFloats)) }, into: &table)
    // gemv may add in another order: agree to 1e-12 relative to Σ|a| (normal entries, side ≤ 10⁴).
    precondition(
        zip(aDouble.sum(alongAxis: 0).elements, handWrittenColumnSums(aDoubles, rows: side, columns: side))
            .allSatisfy { abs($0 - $1) <= 1e-12 * Double(side) },
        "sum(alongAxis: 0) disagrees")
    appendElementwiseRow(
        "`a.sum(alongAxis: 0)`", type: "Double", bytes: 8 * n, target: elementwiseTarget, policy: policy,
        ours: { blackHole(aDouble.sum(alongAxis: 0)[0, side - 1]) },
        handWritten: { blackHole(handWrittenColumnSums(aDoubles, rows: side, columns: side)[side - 1]) }, into: &table)
    appendElementwiseRow(
        "`a + b`, forced unspecialized", type: "Double", bytes: 24 * n, target: nil, policy: policy,
        ours: { blackHole(unspecializedAdd(aDouble, bDouble)[side - 1, side - 1]) },
        handWritten: { blackHole(handWrittenSum(aDoubles, bDoubles)[count - 1]) }, into: &table)
    appendElementwiseRow(
        "`a.sum()`, forced unspecialized", type: "Double", bytes: 8 * n, target: nil, policy: policy,
        ours: { blackHole(unspecializedTotal(aDouble)) },
        handWritten: { blackHole(handWrittenTotal(aDoubles)) }, into: &table)
}
