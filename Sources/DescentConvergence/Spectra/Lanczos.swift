// Lanczos with full reorthogonalization: extreme eigenpairs of a symmetric
// operator, each with a residual bound, stopped when the bounds certify them.
//
// Design note. Goals, in order:
// 1. Answers that certify themselves. Every Ritz pair comes with
//    ‖Hy − θy‖ = β_m|e_mᵀs|, and the run stops when every wanted pair's bound
//    is below `tolerance`·|θ| (or the rounding floor 100·ε·‖T‖), instead of on
//    the change of an estimate, which can stall long before convergence.
// 2. Largest and smallest algebraic eigenvalues alike, so a Hessian's most
//    negative curvature (saddles) is found as easily as its sharpness.
// 3. The operator dominates the cost (see LanczosProcess): for a network
//    Hessian, one Hessian-vector product per step and nothing else of note.
// Unlike ARPACK (SciPy's `eigsh`), there is no implicit restart: the basis
// grows to at most `maximumDimension` vectors (m·n doubles of memory).
// Sources: Golub & Van Loan, Matrix Computations, 4th ed., §10.1–10.3;
// Parlett, The Symmetric Eigenvalue Problem; Paige 1971 (loss of
// orthogonality); THEORY.md §9.2.

import DescentLinalg

/// Which extreme eigenvalues to find (algebraic order: "smallest" is the most negative).
public enum ExtremeEigenvalues: Sendable, Hashable {
    /// The k largest eigenvalues λ_n ≥ λ_{n−1} ≥ … (the sharpness is the first).
    case largest(Int)
    /// The k smallest eigenvalues λ₁ ≤ λ₂ ≤ … (the most negative curvature first).
    case smallest(Int)
    /// Both ends at once, from one Krylov space.
    case bothEnds(largest: Int, smallest: Int)

    var counts: (largest: Int, smallest: Int) {
        switch self {
        case let .largest(k): (k, 0)
        case let .smallest(k): (0, k)
        case let .bothEnds(largest, smallest): (largest, smallest)
        }
    }
}

/// The Lanczos method with full reorthogonalization.
///
/// ```swift
/// let h = try SymmetricOperator(matrix: a)
/// let result = try Lanczos().eigenpairs(of: h, selecting: .largest(5))
/// for pair in result.largest { print(pair.value, pair.residualBound) }
/// print(result.products, "products")
/// ```
public struct Lanczos: Sendable {
    /// Whether each new Lanczos vector is reorthogonalized against all earlier ones.
    public enum Reorthogonalization: Sendable, Hashable {
        /// Against the whole basis by classical Gram–Schmidt, with a second pass whenever the
        /// first cancelled more than 1 − 1/√2 of the vector's norm (DGKS; at most two passes
        /// are ever needed, "twice is enough"): the default.
        case full
        /// Always two classical Gram–Schmidt passes per step (twice the projection cost of
        /// ``full``, for comparison).
        case fullAlwaysTwice
        /// The bare three-term recurrence (for demonstrating ghost eigenvalues only:
        /// converged Ritz values reappear as spurious copies, Paige 1971).
        case none
    }

    /// The largest Krylov dimension m (≥ 1; clamped to n with reorthogonalization).
    /// The basis costs m·n doubles of memory.
    public var maximumDimension: Int
    /// Steps taken before convergence is first tested (clamped to n), so that a start
    /// close to one eigenvector (a warm start) still explores the spectrum; ≥ 1.
    public var minimumDimension: Int
    /// A wanted Ritz pair has converged when its residual bound is at most
    /// `tolerance`·|θ| (or below 100·ε·‖T‖, the rounding floor); in (0, 1).
    public var tolerance: Double
    /// Full (default) or none.
    public var reorthogonalization: Reorthogonalization

    /// A Lanczos solver.
    /// - Parameters:
    ///   - maximumDimension: m_max ≥ 1, 200 by default.
    ///   - minimumDimension: ≥ 1, 10 by default.
    ///   - tolerance: relative residual bound, 1e-10 by default. The eigenvalue
    ///     error is at most the bound, and about bound²/gap once the pair is
    ///     isolated, so 1e-10 typically gives eigenvalues to rounding level.
    ///   - reorthogonalization: ``Reorthogonalization/full`` by default.
    public init(
        maximumDimension: Int = 200, minimumDimension: Int = 10, tolerance: Double = 1e-10,
        reorthogonalization: Reorthogonalization = .full
    ) {
        self.maximumDimension = maximumDimension
        self.minimumDimension = minimumDimension
        self.tolerance = tolerance
        self.reorthogonalization = reorthogonalization
    }

    // MARK: - A fixed number of steps

    /// Runs `steps` Lanczos steps from `start` (fewer if the Krylov space becomes
    /// invariant, or, with reorthogonalization, at n), with no convergence test.
    ///
    /// - Parameters:
    ///   - h: the symmetric operator.
    ///   - steps: m ≥ 1.
    ///   - start: the first Lanczos vector (normalized).
    ///   - keepingBasis: keep the Lanczos vectors (for Ritz vectors) even without
    ///     reorthogonalization; with it they are always kept.
    /// - Returns: T_m and, when kept, the basis.
    /// - Throws: ``SpectrumError`` for bad options or start vectors, or a non-finite product.
    public func tridiagonalize(
        _ h: SymmetricOperator, steps: Int, start: StartVector, keepingBasis: Bool = false
    ) throws(SpectrumError) -> LanczosDecomposition {
        try requireOption(steps >= 1, "steps", "\(steps)", "at least 1 Lanczos step")
        try requireOption(h.dimension >= 1, "dimension", "\(h.dimension)", "the operator must act on at least one coordinate")
        var process = LanczosProcess(
            operator: h, start: try start.unitVector(dimension: h.dimension),
            reorthogonalize: reorthogonalization != .none, alwaysTwice: reorthogonalization == .fullAlwaysTwice,
            keepBasis: keepingBasis, capacity: steps, seed: 0)
        var outcome = LanczosProcess.Outcome.proceed
        while process.steps < steps && outcome == .proceed {
            outcome = try process.step(restartOnInvariantSubspace: false)
        }
        return decomposition(of: process, invariant: outcome == .invariantSubspace)
    }

    // MARK: - Extreme eigenpairs

    /// Extreme eigenpairs of `h`, to the residual tolerance or `maximumDimension` steps.
    ///
    /// - Parameters:
    ///   - h: the symmetric operator.
    ///   - selection: the k largest, k smallest, or both; each k in 0…n, not all 0.
    ///   - start: the first Lanczos vector; random (seed 0) by default. A warm start
    ///     (the previous top eigenvector) converges in a few products when the spectrum moved little.
    ///   - computeVectors: form the Ritz vectors (one GEMV over the basis each).
    /// - Returns: the wanted Ritz pairs with residual bounds, all Ritz values, and the cost.
    ///   `converged` is false when `maximumDimension` ran out first (the bounds then say how far off).
    /// - Throws: ``SpectrumError`` for bad options or start vectors, a non-finite product, or a LAPACK failure.
    public func eigenpairs(
        of h: SymmetricOperator, selecting selection: ExtremeEigenvalues, start: StartVector = .random(seed: 0),
        computeVectors: Bool = true
    ) throws(SpectrumError) -> LanczosResult {
        let n = h.dimension
        let (wantedLargest, wantedSmallest) = selection.counts
        try requireOption(
            wantedLargest >= 0 && wantedLargest <= n && wantedSmallest >= 0 && wantedSmallest <= n
                && wantedLargest + wantedSmallest > 0,
            "selection", "\(selection)", "each count must be in 0…\(n) (the dimension), and not all 0")
        try requireOption(maximumDimension >= 1, "maximumDimension", "\(maximumDimension)", "must be ≥ 1")
        try requireOption(minimumDimension >= 1, "minimumDimension", "\(minimumDimension)", "must be ≥ 1")
        try requireOption(tolerance > 0 && tolerance < 1, "tolerance", "\(tolerance)", "must be in (0, 1)")
        let reorthogonalize = reorthogonalization != .none
        let limit = reorthogonalize ? min(maximumDimension, n) : maximumDimension
        let firstCheck = min(max(minimumDimension, wantedLargest, wantedSmallest), limit)
        var process = LanczosProcess(
            operator: h, start: try start.unitVector(dimension: n), reorthogonalize: reorthogonalize,
            alwaysTwice: reorthogonalization == .fullAlwaysTwice, keepBasis: computeVectors, capacity: limit, seed: 0)
        var converged = false
        var outcome = LanczosProcess.Outcome.proceed
        while process.steps < limit && outcome == .proceed {
            outcome = try process.step(restartOnInvariantSubspace: true)
            if process.steps >= firstCheck {
                let decomposition = decomposition(of: process, invariant: false)
                let ends = try wantedPairs(of: decomposition, largest: wantedLargest, smallest: wantedSmallest)
                let floor = 100 * Double.ulpOfOne * process.scale
                converged = (ends.largest + ends.smallest).allSatisfy { wanted in
                    wanted.pair.residualBound <= max(tolerance * abs(wanted.pair.value), floor)
                }
                if converged { break }
            }
        }
        let decomposition = decomposition(of: process, invariant: false)
        var ends = try wantedPairs(of: decomposition, largest: wantedLargest, smallest: wantedSmallest)
        if computeVectors {
            ends.largest = ends.largest.map { withVector($0, decomposition) }
            ends.smallest = ends.smallest.map { withVector($0, decomposition) }
        }
        if !converged && outcome == .exhausted {
            // No direction left: T's eigenvalues are H's (to rounding), whatever the bounds say.
            converged = process.steps >= n
        }
        return LanczosResult(
            largest: ends.largest.map(\.pair), smallest: ends.smallest.map(\.pair),
            ritzValues: try decomposition.ritzValues(), steps: process.steps, products: process.products,
            restarts: process.restarts, converged: converged, tolerance: tolerance)
    }

    // MARK: - Helpers

    private func decomposition(of process: LanczosProcess, invariant: Bool) -> LanczosDecomposition {
        LanczosDecomposition(
            diagonal: process.diagonal, offDiagonal: process.offDiagonal, residualCoupling: process.residualCoupling,
            basis: process.keepsBasis ? process.basisMatrix : nil, products: process.products,
            endedOnInvariantSubspace: invariant)
    }

    /// A wanted Ritz pair with the eigenvector s of T it came from.
    private struct WantedPair {
        var pair: RitzPair
        var s: Matrix<Double>
    }

    /// The largest (descending) and smallest (ascending) Ritz pairs of T, with bounds.
    private func wantedPairs(
        of decomposition: LanczosDecomposition, largest: Int, smallest: Int
    ) throws(SpectrumError) -> (largest: [WantedPair], smallest: [WantedPair]) {
        let m = decomposition.steps
        func pairs(_ selection: SymmetricEigen<Double>.Selection) throws(SpectrumError) -> [WantedPair] {
            let eigen: SymmetricEigen<Double>
            do {
                eigen = try SymmetricEigen(
                    tridiagonalWithDiagonal: decomposition.diagonal, offDiagonal: decomposition.offDiagonal,
                    selecting: selection, computeVectors: true)
            } catch { throw .eigensolver(error) }
            return eigen.values.indices.map { index in
                let s = eigen.vectors!.column(index)
                let bound = abs(decomposition.residualCoupling * s[m - 1, 0])
                return WantedPair(pair: RitzPair(value: eigen.values[index], residualBound: bound, vector: nil), s: s)
            }
        }
        let top = largest > 0 ? try pairs(.largest(min(largest, m))).reversed() : []
        let bottom = smallest > 0 ? try pairs(.smallest(min(smallest, m))) : []
        return (Array(top), bottom)
    }

    private func withVector(_ wanted: WantedPair, _ decomposition: LanczosDecomposition) -> WantedPair {
        var result = wanted
        result.pair = RitzPair(
            value: wanted.pair.value, residualBound: wanted.pair.residualBound,
            vector: decomposition.ritzVector(wanted.s))
        return result
    }
}

/// Extreme eigenpairs found by ``Lanczos``, with their residual bounds and cost.
public struct LanczosResult: Sendable {
    /// The largest Ritz pairs, largest first (empty unless asked for).
    public let largest: [RitzPair]
    /// The smallest Ritz pairs, smallest (most negative) first (empty unless asked for).
    public let smallest: [RitzPair]
    /// Every Ritz value of the final T, ascending (interior ones are rarely converged).
    public let ritzValues: [Double]
    /// m, the final Krylov dimension.
    public let steps: Int
    /// Operator-vector products used (Hessian-vector products for a network): m.
    public let products: Int
    /// How often the run continued from a fresh random vector after an invariant subspace.
    public let restarts: Int
    /// Whether every wanted pair met the tolerance (or the space was exhausted, m = n).
    public let converged: Bool
    /// The relative residual tolerance the run used.
    public let tolerance: Double
}
