// Power iteration on a symmetric operator: the simplest sharpness estimate.
//
// Design note. Goals, in order: (1) the iterates of THEORY.md §9.1 exactly —
// v_{k+1} = Hv_k/‖Hv_k‖ with the Rayleigh quotient v_kᵀHv_k as the estimate —
// so the 0.81ᵏ law of diag(10, 9, 1) can be checked; (2) PyHessian's
// `eigenvalues(maxIter, tol, top_n)` as a special case (relative change of the
// estimate, deflation against the vectors already found); (3) a residual
// ‖Hv − θv‖ with every answer, which PyHessian does not report.
// Power iteration converges to the eigenvalue of largest MAGNITUDE, at the rate
// |λ₂/λ₁| per step for the vector and |λ₂/λ₁|² for the Rayleigh quotient;
// Lanczos reaches the same accuracy in far fewer products and is preferred.
// Sources: Golub & Van Loan, Matrix Computations, 4th ed., §8.2.1; Yao et al.,
// "PyHessian", IEEE BigData 2020.

import DescentLinalg

/// Power iteration for the eigenvalue of largest magnitude of a symmetric operator.
///
/// ```swift
/// let result = try PowerIteration().dominantEigenpair(of: hessian, start: .random(seed: 1))
/// print(result.eigenvalue, result.residualNorm, result.products)
/// ```
public struct PowerIteration: Sendable {
    /// The largest number of products H·v (≥ 1).
    public var maximumIterations: Int
    /// Stop when |θ_k − θ_{k−1}| ≤ `relativeTolerance`·|θ_k| (≥ 0; 0 runs all
    /// `maximumIterations`).
    public var relativeTolerance: Double

    /// A power iteration with the given stop rule.
    /// - Parameters:
    ///   - maximumIterations: products allowed, ≥ 1; 1,000 by default.
    ///   - relativeTolerance: relative change of the Rayleigh quotient at which to
    ///     stop, ≥ 0; 1e-10 by default. The quotient's error falls like |λ₂/λ₁|^{2k},
    ///     its change per step like (1 − |λ₂/λ₁|²)·error, so a small gap needs a
    ///     tolerance well below the accuracy wanted.
    public init(maximumIterations: Int = 1000, relativeTolerance: Double = 1e-10) {
        self.maximumIterations = maximumIterations
        self.relativeTolerance = relativeTolerance
    }

    /// PyHessian's defaults: 100 iterations, relative change 1e-3.
    public static let pyHessianDefaults = PowerIteration(maximumIterations: 100, relativeTolerance: 1e-3)

    // MARK: - Running

    /// The eigenpair of largest |λ|, orthogonally to the `known` vectors.
    ///
    /// Iterates v_{k+1} = P·H·v_k/‖P·H·v_k‖, where P projects out `known`
    /// (deflation); the estimate after k products is θ = v_{k−1}ᵀHv_{k−1}.
    /// - Parameters:
    ///   - h: the symmetric operator H.
    ///   - start: v₀, random by default (a given vector is normalized and deflated).
    ///   - known: orthonormal n×1 eigenvectors to deflate against (empty by default).
    /// - Returns: the last Rayleigh quotient with its vector, every quotient on the way, and the residual.
    /// - Throws: ``SpectrumError`` for bad options or vectors, or a non-finite product.
    public func dominantEigenpair(
        of h: SymmetricOperator, start: StartVector = .random(seed: 0), deflating known: [Matrix<Double>] = []
    ) throws(SpectrumError) -> PowerIterationResult {
        try requireOption(maximumIterations >= 1, "maximumIterations", "\(maximumIterations)", "at least 1 product")
        try requireOption(relativeTolerance >= 0, "relativeTolerance", "\(relativeTolerance)", "must be ≥ 0")
        let n = h.dimension
        for vector in known where vector.rows != n || vector.columns != 1 {
            throw .vectorShape(expected: n, rows: vector.rows, columns: vector.columns)
        }
        var v = try start.unitVector(dimension: n)
        deflate(&v, against: known)
        let startNorm = nrm2(v)
        guard startNorm > 0 else { throw .unusableStartVector(reason: "it lies in the span of the deflated vectors") }
        scal(1 / startNorm, &v)
        var estimates: [Double] = []
        var residual = Double.nan
        var converged = false
        while estimates.count < maximumIterations {
            var w = h.apply(to: v)
            let theta = dot(v, w)
            guard theta.isFinite else { throw .nonFiniteProduct(what: "H·v at power iteration \(estimates.count + 1)") }
            estimates.append(theta)
            var r = w
            axpy(-theta, v, &r)
            residual = nrm2(r)
            if estimates.count >= 2, abs(theta - estimates[estimates.count - 2]) <= relativeTolerance * abs(theta) {
                converged = true
                break
            }
            deflate(&w, against: known)
            let norm = nrm2(w)
            guard norm.isFinite else { throw .nonFiniteProduct(what: "H·v at power iteration \(estimates.count)") }
            if norm == 0 {  // v is in the null space (after deflation): θ = 0 exactly.
                converged = true
                break
            }
            if estimates.count == maximumIterations { break }
            scal(1 / norm, &w)
            v = w
        }
        return PowerIterationResult(
            eigenvalue: estimates.last ?? .nan, eigenvector: v, residualNorm: residual, estimates: estimates,
            converged: converged)
    }

    /// The `count` eigenpairs of largest magnitude, each found by power iteration
    /// deflated against those before it (PyHessian's `top_n`).
    /// - Parameters:
    ///   - count: k, 1 ≤ k ≤ n.
    ///   - h: H.
    ///   - seed: the random start of the first run; run i uses `seed + i`.
    /// - Throws: ``SpectrumError``.
    public func dominantEigenpairs(
        _ count: Int, of h: SymmetricOperator, seed: UInt64 = 0
    ) throws(SpectrumError) -> [PowerIterationResult] {
        try requireOption(
            count >= 1 && count <= h.dimension, "count", "\(count)", "must be in 1…\(h.dimension)")
        var results: [PowerIterationResult] = []
        for index in 0..<count {
            results.append(
                try dominantEigenpair(
                    of: h, start: .random(seed: seed &+ UInt64(index)), deflating: results.map(\.eigenvector)))
        }
        return results
    }
}

/// What a power iteration found.
public struct PowerIterationResult: Sendable {
    /// θ, the last Rayleigh quotient vᵀHv.
    public let eigenvalue: Double
    /// v, the unit vector θ belongs to (n×1).
    public let eigenvector: Matrix<Double>
    /// ‖Hv − θv‖: for symmetric H some eigenvalue lies within this distance of θ.
    public let residualNorm: Double
    /// The Rayleigh quotient of every iterate: `estimates[k]` = v_kᵀHv_k, with
    /// v_k = Hᵏv₀/‖Hᵏv₀‖ (`estimates[0]` belongs to the start vector).
    public let estimates: [Double]
    /// Whether the stop rule fired (false: `maximumIterations` ran out).
    public let converged: Bool

    /// The number of products H·v used (one per estimate).
    public var products: Int { estimates.count }
}

/// Removes from `v` its components along the orthonormal `vectors`, twice
/// (classical Gram–Schmidt, repeated for rounding).
func deflate(_ v: inout Matrix<Double>, against vectors: [Matrix<Double>]) {
    guard !vectors.isEmpty else { return }
    for _ in 0..<2 {
        for u in vectors { axpy(-dot(u, v), u, &v) }
    }
}
