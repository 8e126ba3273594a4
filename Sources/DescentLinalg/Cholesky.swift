// Cholesky: A = L·Lᵀ for symmetric positive definite A (`potrf`) and solves
// with it (`potrs`). Source: Golub & Van Loan §4.2.

/// The Cholesky factorization `A = L·Lᵀ` of a symmetric positive definite matrix.
///
/// ```swift
/// let cholesky = try Cholesky(of: h)   // throws if h is not positive definite
/// let x = try cholesky.solve(b)           // h·x = b
/// ```
public struct Cholesky<Scalar: BLASScalar>: Sendable {
    /// The lower-triangular factor L (zeros above the diagonal).
    public let lower: Matrix<Scalar>

    /// Factors a symmetric positive definite matrix.
    /// - Parameters:
    ///   - a: an n×n symmetric positive definite matrix (its lower triangle is used).
    ///   - symmetryTolerance: as for ``SymmetricEigen``; default √ε relative.
    /// - Throws: ``LinalgError/notPositiveDefinite(routine:order:)`` naming the first
    ///   leading minor that is not positive, or the symmetry and finiteness errors.
    /// - Complexity: n³/3 floating-point operations.
    public init(of a: Matrix<Scalar>, symmetryTolerance: Scalar? = nil) throws(LinalgError) {
        let routine = routineName("potrf", Scalar.self)
        try a.requireSymmetric(routine, tolerance: symmetryTolerance)
        let n = a.rows
        var work = a.elements
        if n > 0 {
            let info = work.withUnsafeMutableBufferPointer { pa in
                Scalar.routines.potrf(lapackRowMajor, lapackOption("L"), lapackInt(n), pa.baseAddress, lapackInt(n))
            }
            try checkLAPACK(info, routine: routine, arguments: ["layout", "uplo", "n", "a", "lda"]) {
                .notPositiveDefinite(routine: routine, order: $0)
            }
        }
        lower = Matrix(rows: n, columns: n) { i, j in j <= i ? work[i * n + j] : 0 }
    }

    /// Solves `A·X = B` for X, one column per right-hand side.
    /// - Precondition: `b.rows == n`.
    /// - Throws: ``LinalgError/nonFinite(routine:row:column:value:)`` naming the first NaN/∞ of `b`,
    ///   ``LinalgError/outOfMemory(routine:)`` if LAPACKE cannot allocate.
    /// - Complexity: 2·n²·(columns of b).
    public func solve(_ b: Matrix<Scalar>) throws(LinalgError) -> Matrix<Scalar> {
        let n = lower.rows
        precondition(b.rows == n, "Cholesky.solve: A is \(n)×\(n) but B is \(b.shapeDescription)")
        if n == 0 || b.columns == 0 { return b }
        let routine = routineName("potrs", Scalar.self)
        try b.requireFinite(routine)
        var x = b.elements
        let info = lower.elements.withUnsafeBufferPointer { pl in
            x.withUnsafeMutableBufferPointer { px in
                Scalar.routines.potrs(
                    lapackRowMajor, lapackOption("L"), lapackInt(n), lapackInt(b.columns),
                    pl.baseAddress, lapackInt(n), px.baseAddress, lapackInt(b.columns))
            }
        }
        try checkLAPACK(info, routine: routine, arguments: ["layout", "uplo", "n", "nrhs", "a", "lda", "b", "ldb"]) {
            .didNotConverge(routine: routine, info: $0)  // potrs has no data failure; kept for completeness.
        }
        return Matrix(rows: n, columns: b.columns, elements: x)
    }
}
