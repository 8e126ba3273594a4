// Shared helpers for the DescentLinalg tests: independent references (naive
// loops in Double) and the standard residual measures.

@testable import DescentLinalg

/// A deterministic generator for tests.
func testGenerator(_ seed: UInt64 = 2026) -> Xoshiro256StarStar { Xoshiro256StarStar(seed: seed) }

/// op(A)·op(B) with a naive triple loop in Double, and the elementwise error
/// scale Σₖ |aᵢₖ||bₖⱼ| used by the classical bound |C − Ĉ| ≤ γₖ·|A||B|.
func naiveProduct<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>, transposingA: Bool = false, transposingB: Bool = false)
    -> (value: [Double], scale: [Double], rows: Int, columns: Int, inner: Int)
{
    let (m, k) = transposingA ? (a.columns, a.rows) : (a.rows, a.columns)
    let n = transposingB ? b.rows : b.columns
    var value = [Double](repeating: 0, count: m * n)
    var scale = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            for p in 0..<k {
                let x = Double(transposingA ? a[p, i] : a[i, p])
                let y = Double(transposingB ? b[j, p] : b[p, j])
                value[i * n + j] += x * y
                scale[i * n + j] += abs(x * y)
            }
        }
    }
    return (value, scale, m, n, k)
}

/// ‖A·V − V·diag(λ)‖_F / ‖A‖_F: the backward-error residual of an eigen-decomposition.
func eigenResidual<S: BLASScalar>(_ a: Matrix<S>, _ eigen: SymmetricEigen<S>) -> Double {
    guard let v = eigen.vectors else { return .nan }
    let av = a * v
    let vl = Matrix(rows: v.rows, columns: v.columns) { i, j in v[i, j] * eigen.values[j] }
    return Double(nrm2(av - vl)) / Swift.max(Double(nrm2(a)), Double.leastNormalMagnitude)
}

/// ‖VᵀV − I‖_F: loss of orthonormality of the columns of V.
func orthogonalityError<S: BLASScalar>(_ v: Matrix<S>) -> Double {
    Double(nrm2(gemm(v, v, transposingA: true) - Matrix.identity(v.columns)))
}

/// The Hilbert matrix H[i, j] = 1/(i + j + 1).
func hilbert<S: BLASScalar>(_ n: Int, _: S.Type = S.self) -> Matrix<S> {
    Matrix(rows: n, columns: n) { i, j in 1 / S(i + j + 1) }
}

/// Relative difference |x − y| / |y|.
func relativeDifference(_ x: Double, _ y: Double) -> Double { abs(x - y) / abs(y) }
