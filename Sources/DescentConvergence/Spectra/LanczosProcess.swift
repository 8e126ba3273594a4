// The Lanczos three-term recurrence with full reorthogonalization: the engine
// under `Lanczos` (eigenpairs) and `StochasticLanczosQuadrature` (densities).
//
// Design note. Goals, in order:
// 1. Orthogonality to working precision. After the three-term step, w is
//    projected off the whole basis by classical Gram–Schmidt, and once more
//    when the first pass cancelled much of it ("twice is enough": Daniel,
//    Gragg, Kaufman & Stewart 1976; Giraud, Langou & Rozložník 2005; Parlett
//    §6.9), so no spurious copies ("ghosts", Paige 1971) of converged Ritz
//    values appear.
// 2. The operator dominates the cost. The basis is one row-major j×n matrix
//    Q whose rows are q₁ … q_j, so each projection is two GEMVs (c = Q·w,
//    w ← w − Qᵀ·c) reading Q once each: 4·j·n flops per pass, memory-bound,
//    against one Hessian-vector product per step. (Measured on P = 269,322:
//    always two passes made the projections ~35% of a 173-step run; one pass
//    plus a second only when needed halves that.)
// 3. Invariant subspaces are detected (β_j ≤ 1e-12·‖T‖) and, when the caller
//    wants more than the Krylov space of the start vector holds (repeated
//    eigenvalues, an eigenvector as warm start), the process continues from a
//    random vector orthogonal to the basis with β_j = 0, so T stays tridiagonal
//    (block diagonal) and H·Q = Q·T + β·q·eᵀ still holds.
// Sources: Golub & Van Loan, Matrix Computations, 4th ed., §§10.1–10.3;
// Parlett, The Symmetric Eigenvalue Problem, ch. 13; THEORY.md §9.2.

import DescentLinalg

/// The state of a Lanczos run after j steps: H·Q_jᵀ = Q_jᵀ·T_j + β_j·q_{j+1}·e_jᵀ,
/// with Q_j's rows the Lanczos vectors (kept only when reorthogonalizing or asked to).
struct LanczosProcess {
    /// Why a step could not be followed by another.
    enum Outcome: Equatable {
        /// q_{j+1} is ready.
        case proceed
        /// β_j ≈ 0 and no restart was asked for: the Krylov space of the start is invariant.
        case invariantSubspace
        /// No direction is left: j = n, or every restart vector lies in the basis.
        case exhausted
    }

    let operator_: SymmetricOperator
    let dimension: Int
    let reorthogonalize: Bool
    let keepsBasis: Bool
    /// Rows q₁ … q_j, each n values (empty when not kept).
    private(set) var basis: [Double] = []
    /// α₁ … α_j.
    private(set) var diagonal: [Double] = []
    /// β₁ … β_j; the last one is the residual coupling to q_{j+1}.
    private(set) var couplings: [Double] = []
    /// How many times the run continued from a fresh random vector.
    private(set) var restarts = 0
    /// Products H·q used.
    private(set) var products = 0
    /// Steps whose reorthogonalization needed a second Gram–Schmidt pass.
    private(set) var secondPasses = 0
    /// Always two Gram–Schmidt passes, instead of a second one only when needed.
    let alwaysTwice: Bool
    /// q_{j+1}, the next vector to multiply.
    private var next: Matrix<Double>
    /// q_j, for the three-term recurrence.
    private var current: Matrix<Double>?
    /// A running bound on ‖T‖: max over rows of |α_i| + β_{i−1} + β_i.
    private(set) var scale = 0.0
    private var generator: Xoshiro256StarStar

    /// A run from the unit vector `start`.
    /// - Parameters:
    ///   - reorthogonalize: full reorthogonalization against the stored basis.
    ///   - alwaysTwice: two Gram–Schmidt passes at every step, not only when needed.
    ///   - keepBasis: store the basis for Ritz vectors even without reorthogonalization.
    ///   - capacity: the number of steps expected (reserves the basis's memory).
    ///   - seed: for restart vectors.
    init(
        operator: SymmetricOperator, start: Matrix<Double>, reorthogonalize: Bool, alwaysTwice: Bool = false,
        keepBasis: Bool, capacity: Int, seed: UInt64
    ) {
        self.alwaysTwice = alwaysTwice
        self.operator_ = `operator`
        self.dimension = `operator`.dimension
        self.reorthogonalize = reorthogonalize
        self.keepsBasis = reorthogonalize || keepBasis
        self.next = start
        self.generator = Xoshiro256StarStar(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        if keepsBasis { basis.reserveCapacity(min(capacity, dimension + 1) * dimension) }
    }

    /// j, the number of steps taken.
    var steps: Int { diagonal.count }

    /// The basis as a j×n matrix whose rows are q₁ … q_j (shares storage; do not keep it across steps).
    var basisMatrix: Matrix<Double> { Matrix(rows: keepsBasis ? steps : 0, columns: dimension, elements: basis) }

    // MARK: - One step

    /// Step j + 1: w = Hq − βq_prev − αq, reorthogonalized, β = ‖w‖, q_next = w/β.
    /// - Parameter restart: on an invariant subspace, continue from a random
    ///   vector orthogonal to the basis (needs reorthogonalization).
    mutating func step(restartOnInvariantSubspace restart: Bool) throws(SpectrumError) -> Outcome {
        let q = next
        if keepsBasis { basis.append(contentsOf: q.elements) }
        var w = operator_.apply(to: q)
        products += 1
        let alpha = dot(q, w)
        guard alpha.isFinite else { throw .nonFiniteProduct(what: "H·q at Lanczos step \(steps + 1)") }
        axpy(-alpha, q, &w)
        if let current, let previousBeta = couplings.last { axpy(-previousBeta, current, &w) }
        if reorthogonalize {
            orthogonalize(&w, alwaysTwice: alwaysTwice)
        }
        let beta = nrm2(w)
        guard beta.isFinite else { throw .nonFiniteProduct(what: "H·q at Lanczos step \(steps + 1)") }
        scale = max(scale, abs(alpha) + (couplings.last ?? 0) + beta)
        diagonal.append(alpha)
        current = q
        if steps >= dimension && reorthogonalize {
            couplings.append(beta)
            return .exhausted
        }
        if beta > 1e-12 * scale {
            couplings.append(beta)
            scal(1 / beta, &w)
            next = w
            return .proceed
        }
        // Invariant subspace: β is rounding (or exactly 0).
        couplings.append(0)
        guard restart && reorthogonalize else { return .invariantSubspace }
        for _ in 0..<3 {
            var candidate = Matrix<Double>.randomNormal(rows: dimension, columns: 1, using: &generator)
            let before = nrm2(candidate)
            orthogonalize(&candidate, alwaysTwice: true)
            let after = nrm2(candidate)
            if after > 1e-8 * before {
                scal(1 / after, &candidate)
                next = candidate
                restarts += 1
                return .proceed
            }
        }
        return .exhausted
    }

    /// w ← (I − QᵀQ)w with Q the stored basis, by classical Gram–Schmidt (two GEMVs
    /// reading Q once each), and a second pass when the first removed more than
    /// 1 − 1/√2 of w's norm (Daniel, Gragg, Kaufman & Stewart 1976) or `alwaysTwice`.
    /// Two passes always suffice ("twice is enough"); in Lanczos, w is already
    /// orthogonal to all but rounding after the three-term step, so the second
    /// pass is rarely needed and the cost is about 4·j·n flops per step.
    private mutating func orthogonalize(_ w: inout Matrix<Double>, alwaysTwice: Bool) {
        guard !basis.isEmpty else { return }
        let rows = basis.count / max(dimension, 1)
        let q = Matrix(rows: rows, columns: dimension, elements: basis)
        var coefficients = Matrix<Double>(rows: rows, columns: 1)
        for pass in 0..<2 {
            let before = alwaysTwice ? 0 : nrm2(w)
            gemv(q, w, into: &coefficients)
            gemv(q, coefficients, transposing: true, alpha: -1, beta: 1, into: &w)
            if pass == 0 && !alwaysTwice && nrm2(w) >= before * 0.5.squareRoot() { break }
            if pass == 1 { secondPasses += 1 }
        }
    }

    // MARK: - Ritz pairs

    /// The tridiagonal T_j's off-diagonal: β₁ … β_{j−1}.
    var offDiagonal: [Double] { Array(couplings.dropLast()) }

    /// β_j, the coupling of the last step to q_{j+1} (0 on an invariant subspace).
    var residualCoupling: Double { couplings.last ?? 0 }
}
