// SingularValueDecomposition: A = U·Σ·Vᵀ by divide and conquer (`gesdd`).
// Source: LAPACK Users' Guide §2.4.6; Gu & Eisenstat 1995.

import RealModule

/// The singular value decomposition `A = U·diag(σ)·Vᵀ` of an m×n matrix.
public struct SingularValueDecomposition<Scalar: BLASScalar>: Sendable {
    /// What to compute besides the singular values.
    public enum Vectors: Sendable {
        /// Singular values only.
        case notComputed
        /// U is m×k and Vᵀ is k×n, k = min(m, n).
        case thin
        /// U is m×m and Vᵀ is n×n.
        case full
    }

    /// The singular values σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0, k = min(m, n).
    public let singularValues: [Scalar]
    /// The left singular vectors as columns; `nil` for ``Vectors/none``.
    public let u: Matrix<Scalar>?
    /// The right singular vectors as rows (Vᵀ); `nil` for ``Vectors/none``.
    public let vTransposed: Matrix<Scalar>?

    /// Decomposes `a`.
    /// - Throws: ``LinalgError/nonFinite(routine:row:column:value:)``, ``LinalgError/didNotConverge(routine:info:)``.
    /// - Complexity: O(m·n·min(m, n)).
    public init(of a: Matrix<Scalar>, vectors: Vectors = .thin) throws(LinalgError) {
        let (m, n) = (a.rows, a.columns)
        let k = Swift.min(m, n)
        let routine = routineName("gesdd", Scalar.self)
        try a.requireFinite(routine)
        let (job, uColumns, vtRows): (Unicode.Scalar, Int, Int) =
            switch vectors {
            case .notComputed: ("N", 0, 0)
            case .thin: ("S", k, k)
            case .full: ("A", m, n)
            }
        if k == 0 {
            singularValues = []
            u = vectors == .notComputed ? nil : Matrix.identity(m).columns(0..<uColumns)
            vTransposed = vectors == .notComputed ? nil : Matrix.identity(n).rows(0..<vtRows)
            return
        }
        var work = a.elements
        var sigma = [Scalar](repeating: 0, count: k)
        var uElements = [Scalar](repeating: 0, count: Swift.max(1, m * uColumns))
        var vtElements = [Scalar](repeating: 0, count: Swift.max(1, vtRows * n))
        let info = work.withUnsafeMutableBufferPointer { pa in
            uElements.withUnsafeMutableBufferPointer { pu in
                vtElements.withUnsafeMutableBufferPointer { pv in
                    Scalar.routines.gesdd(
                        lapackRowMajor, lapackOption(job), lapackInt(m), lapackInt(n), pa.baseAddress,
                        lapackInt(n), &sigma, pu.baseAddress, lapackInt(Swift.max(1, uColumns)),
                        pv.baseAddress, lapackInt(n))
                }
            }
        }
        try checkLAPACK(
            info, routine: routine,
            arguments: [
                "layout", "jobz", "m", "n", "a", "lda", "s", "u", "ldu", "vt", "ldvt",
            ]
        ) { .didNotConverge(routine: routine, info: $0) }
        singularValues = sigma
        u = vectors == .notComputed ? nil : Matrix(rows: m, columns: uColumns, elements: uElements)
        vTransposed = vectors == .notComputed ? nil : Matrix(rows: vtRows, columns: n, elements: vtElements)
    }

    /// σmax/σmin, the 2-norm condition number (∞ for a rank-deficient matrix).
    public var conditionNumber: Scalar {
        guard let largest = singularValues.first, let smallest = singularValues.last else { return .nan }
        return largest / smallest
    }
}
