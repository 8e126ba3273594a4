// QRDecomposition: A = Q·R with Householder reflections (`geqrf`), Q formed
// explicitly (`orgqr`). Source: Golub & Van Loan, Matrix Computations §5.2.

/// The thin QR decomposition `A = Q·R` of an m×n matrix, k = min(m, n):
/// Q is m×k with orthonormal columns, R is k×n upper triangular (upper
/// trapezoidal when n > m).
public struct QRDecomposition<Scalar: BLASScalar>: Sendable {
    /// m×k with orthonormal columns.
    public let q: Matrix<Scalar>
    /// k×n, zero below the diagonal.
    public let r: Matrix<Scalar>

    /// Factors `a`.
    /// - Throws: ``LinalgError/nonFinite(routine:row:column:value:)`` naming the first NaN/∞.
    /// - Complexity: about 4·m·n·k − 2·k²·(m + n) + 4k³/3 floating-point operations.
    public init(of a: Matrix<Scalar>) throws(LinalgError) {
        let (m, n) = (a.rows, a.columns)
        let k = Swift.min(m, n)
        let factorRoutine = routineName("geqrf", Scalar.self)
        try a.requireFinite(factorRoutine)
        if k == 0 {
            q = Matrix(rows: m, columns: 0)
            r = Matrix(rows: 0, columns: n)
            return
        }
        var work = a.elements
        var tau = [Scalar](repeating: 0, count: k)
        let info = work.withUnsafeMutableBufferPointer { pa in
            Scalar.routines.geqrf(lapackRowMajor, lapackInt(m), lapackInt(n), pa.baseAddress, lapackInt(n), &tau)
        }
        try checkLAPACK(info, routine: factorRoutine, arguments: ["layout", "m", "n", "a", "lda", "tau"]) {
            .didNotConverge(routine: factorRoutine, info: $0)
        }
        r = Matrix(rows: k, columns: n) { i, j in j >= i ? work[i * n + j] : 0 }
        // orgqr forms the m×k matrix Q in the leading columns of the same buffer (leading dimension n ≥ k).
        let formRoutine = routineName("orgqr", Scalar.self)
        let formInfo = work.withUnsafeMutableBufferPointer { pa in
            Scalar.routines.orgqr(lapackRowMajor, lapackInt(m), lapackInt(k), lapackInt(k), pa.baseAddress, lapackInt(n), tau)
        }
        try checkLAPACK(formInfo, routine: formRoutine, arguments: ["layout", "m", "n", "k", "a", "lda", "tau"]) {
            .didNotConverge(routine: formRoutine, info: $0)
        }
        q = Matrix(rows: m, columns: k) { i, j in work[i * n + j] }
    }
}
