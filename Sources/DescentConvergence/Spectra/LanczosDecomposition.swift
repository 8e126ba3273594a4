// The tridiagonal T_m of m Lanczos steps, and what it gives: Ritz pairs with
// residual bounds, and Gauss quadrature nodes and weights.
//
// After m steps, H·Q_m = Q_m·T_m + β_m·q_{m+1}·e_mᵀ (Q_m with the Lanczos
// vectors as columns). For an eigenpair T_m·s = θ·s with ‖s‖ = 1, the Ritz
// vector y = Q_m·s satisfies ‖H·y − θ·y‖ = β_m·|e_mᵀs|, so some eigenvalue
// of H lies within that distance of θ (Golub & Van Loan, Thm 10.1.2 / §10.1.4)
// — and within (β_m·|e_mᵀs|)²/gap when the rest of the spectrum is `gap` away.

import DescentLinalg

/// The result of m Lanczos steps: the tridiagonal T_m (and, when kept, the basis).
public struct LanczosDecomposition: Sendable {
    /// α₁ … α_m, T's main diagonal.
    public let diagonal: [Double]
    /// β₁ … β_{m−1}, T's off-diagonal (a 0 marks a restart after an invariant subspace).
    public let offDiagonal: [Double]
    /// β_m = ‖r_m‖, the coupling to the next Lanczos vector (≈ 0 when the
    /// Krylov space is invariant, or when m = n).
    public let residualCoupling: Double
    /// The Lanczos vectors as the rows of an m×n matrix (row i is q_{i+1}), when kept.
    public let basis: Matrix<Double>?
    /// Operator-vector products used (m).
    public let products: Int
    /// Whether the run stopped early because the Krylov space of the start vector is invariant under H.
    public let endedOnInvariantSubspace: Bool

    /// m, the number of steps (T is m×m).
    public var steps: Int { diagonal.count }

    // MARK: - Ritz values and pairs

    /// The eigenvalues of T_m (the Ritz values), ascending.
    /// - Throws: ``SpectrumError/eigensolver(_:)`` if LAPACK fails.
    public func ritzValues() throws(SpectrumError) -> [Double] {
        do {
            return try SymmetricEigen(
                tridiagonalWithDiagonal: diagonal, offDiagonal: offDiagonal, computeVectors: false
            ).values
        } catch { throw .eigensolver(error) }
    }

    /// Ritz pairs (θ, y = Q·s) of the selected eigenvalues of T_m, ascending in θ,
    /// each with the residual bound ‖Hy − θy‖ = β_m·|e_mᵀs|.
    ///
    /// - Parameters:
    ///   - selection: which eigenvalues of T (all by default; `.largest(k)` and
    ///     `.smallest(k)` use bisection and inverse iteration on T).
    ///   - computeVectors: form the Ritz vectors y (needs the basis; n×1 each).
    /// - Throws: ``SpectrumError/eigensolver(_:)``; ``SpectrumError/invalidOption(name:value:requirement:)``
    ///   when vectors are asked for but the basis was not kept.
    public func ritzPairs(
        selecting selection: SymmetricEigen<Double>.Selection = .all, computeVectors: Bool = false
    ) throws(SpectrumError) -> [RitzPair] {
        try requireOption(
            !computeVectors || basis != nil, "computeVectors", "true",
            "Ritz vectors need the Lanczos basis; run with keepingBasis: true")
        switch selection {
        case let .largest(k), let .smallest(k):
            try requireOption(k >= 0 && k <= steps, "selection", "\(selection)", "T has only \(steps) eigenvalues")
        case let .indices(range):
            try requireOption(
                range.lowerBound >= 0 && range.upperBound < steps, "selection", "\(selection)",
                "T has eigenvalues 0…\(steps - 1)")
        case let .values(lower, upper):
            try requireOption(lower <= upper, "selection", "\(selection)", "needs lower ≤ upper, neither NaN")
        case .all:
            break
        }
        let eigen: SymmetricEigen<Double>
        do {
            eigen = try SymmetricEigen(
                tridiagonalWithDiagonal: diagonal, offDiagonal: offDiagonal, selecting: selection, computeVectors: true)
        } catch { throw .eigensolver(error) }
        let m = steps
        return eigen.values.indices.map { index in
            let s = eigen.vectors!.column(index)
            let bound = abs(residualCoupling * s[m - 1, 0])
            let vector = computeVectors ? ritzVector(s) : nil
            return RitzPair(value: eigen.values[index], residualBound: bound, vector: vector)
        }
    }

    /// y = Q_mᵀ-rows combination Σᵢ sᵢ·qᵢ, one GEMV over the basis.
    func ritzVector(_ s: Matrix<Double>) -> Matrix<Double> {
        gemv(basis!, s, transposing: true)
    }

    // MARK: - Gauss quadrature

    /// The Gauss quadrature rule of the spectral measure of the start vector v:
    /// nodes θ_k (T's eigenvalues, ascending) and weights τ_k = (e₁ᵀs_k)² (the
    /// squared first components of T's unit eigenvectors), which sum to 1.
    ///
    /// For any polynomial p of degree ≤ 2m − 1, Σ_k τ_k·p(θ_k) = vᵀp(H)v exactly
    /// (THEORY.md §9.4). Note the weight is τ_k, not τ_k².
    /// - Throws: ``SpectrumError/eigensolver(_:)``.
    public func quadratureRule() throws(SpectrumError) -> (nodes: [Double], weights: [Double]) {
        let eigen: SymmetricEigen<Double>
        do {
            eigen = try SymmetricEigen(tridiagonalWithDiagonal: diagonal, offDiagonal: offDiagonal, computeVectors: true)
        } catch { throw .eigensolver(error) }
        let vectors = eigen.vectors!
        let weights = (0..<steps).map { k in vectors[0, k] * vectors[0, k] }
        return (eigen.values, weights)
    }
}

/// A Ritz value θ with its residual bound, and optionally its Ritz vector.
public struct RitzPair: Sendable {
    /// θ, an eigenvalue of the Lanczos tridiagonal T: an approximate eigenvalue of H.
    public let value: Double
    /// ‖H·y − θ·y‖ = β_m·|e_mᵀs| for the unit Ritz vector y: an eigenvalue of H lies in
    /// [θ − bound, θ + bound] (exact arithmetic; with full reorthogonalization the
    /// computed bound is reliable down to about ε·‖H‖).
    public let residualBound: Double
    /// y = Q·s, the unit Ritz vector (n×1), when computed.
    public let vector: Matrix<Double>?

    /// bound/|θ| (∞ for θ = 0 with a nonzero bound; NaN for 0/0).
    public var relativeResidualBound: Double { residualBound / abs(value) }
}
