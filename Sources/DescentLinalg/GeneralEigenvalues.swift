// Eigenvalues of a general (non-symmetric) real matrix with `geev`, for the
// iteration matrices of momentum methods, which are not symmetric.
// Source: LAPACK Users' Guide §2.4.5 (Hessenberg QR algorithm).

import ComplexModule
import RealModule

extension Matrix {
    /// The eigenvalues of a square, possibly non-symmetric matrix, as complex
    /// numbers, sorted by decreasing modulus (conjugate pairs adjacent, positive
    /// imaginary part first).
    ///
    /// ```swift
    /// // Heavy ball on one eigendirection: [v; w] ← [[μ, −ηλ], [μ, 1 − ηλ]]·[v; w]
    /// let m = Matrix<Double>([[0.9, -1], [0.9, 0]])
    /// let radius = try m.eigenvalues().map(\.length).max()!   // √0.9
    /// ```
    /// - Throws: ``LinalgError/notSquare(routine:rows:columns:)``,
    ///   ``LinalgError/nonFinite(routine:row:column:value:)``, ``LinalgError/didNotConverge(routine:info:)``.
    /// - Complexity: about 10·n³.
    public func eigenvalues() throws(LinalgError) -> [Complex<Scalar>] {
        let routine = routineName("geev", Scalar.self)
        try requireSquare(routine)
        try requireFinite(routine)
        let n = rows
        if n == 0 { return [] }
        var work = elements
        var real = [Scalar](repeating: 0, count: n)
        var imaginary = [Scalar](repeating: 0, count: n)
        var unused: [Scalar] = [0]
        let info = work.withUnsafeMutableBufferPointer { pa in
            unused.withUnsafeMutableBufferPointer { pv in
                Scalar.routines.geev(
                    lapackRowMajor, lapackOption("N"), lapackOption("N"), lapackInt(n), pa.baseAddress,
                    lapackInt(n), &real, &imaginary, pv.baseAddress, 1, pv.baseAddress, 1)
            }
        }
        try checkLAPACK(
            info, routine: routine,
            arguments: [
                "layout", "jobvl", "jobvr", "n", "a", "lda", "wr", "wi", "vl", "ldvl", "vr", "ldvr",
            ]
        ) { .didNotConverge(routine: routine, info: $0) }
        return zip(real, imaginary).map { Complex($0, $1) }.sorted { lhs, rhs in
            if lhs.length != rhs.length { return lhs.length > rhs.length }
            if lhs.real != rhs.real { return lhs.real > rhs.real }
            return lhs.imaginary > rhs.imaginary
        }
    }

    /// The spectral radius max|λᵢ| of a square matrix: the asymptotic
    /// per-step contraction factor of the linear iteration xₖ₊₁ = A·xₖ.
    /// - Throws: as ``eigenvalues()``.
    public func spectralRadius() throws(LinalgError) -> Scalar {
        try eigenvalues().first?.length ?? 0
    }
}
