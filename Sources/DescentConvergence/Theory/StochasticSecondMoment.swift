// The second moment of mini-batch SGD on least squares, direction by
// direction, for any step schedule.
//
// Design note. Linearize the noise: g_B(w) = H(w − w*) + ξ, with ξ of mean 0
// and covariance Σ/m (m examples drawn with replacement, Σ the per-example
// gradient covariance at w*). Then e_{k+1} = (I − η_k H)e_k − η_k ξ_k and, in
// H's eigenbasis, P = E[e eᵀ] obeys P_ij ← (1 − η_kλᵢ)(1 − η_kλⱼ)P_ij + η_k²Σ̃_ij/m,
// so the DIAGONAL evolves on its own:
//     pᵢ(k+1) = (1 − η_kλᵢ)² pᵢ(k) + η_k² Σ̃ᵢᵢ/m,   E‖e_k‖² = Σᵢ pᵢ(k),
// where the start contributes pᵢ(0) = (uᵢᵀe₀)² (a deterministic start). For a
// constant η, pᵢ → ηΣ̃ᵢᵢ/(mλᵢ(2 − ηλᵢ)) — the multi-dimensional noise ball
// (THEORY §5's 1-D formula without its multiplicative term). What the
// linearization leaves out, the randomness of the mini-batch Hessian, adds
// about η·tr(H)/(2m) relatively; `BowlSweep` keeps that below 5%.

import DescentLinalg

extension StochasticGradientTheory {
    /// E‖w_k − w*‖² of mini-batch SGD on `problem` under the linearized-noise model, for k = 0…steps.
    ///
    /// - Parameters:
    ///   - problem: the least-squares problem (its bowl gives H, w* and the eigenbasis).
    ///   - start: w₀ (p×1).
    ///   - batchSize: m ≥ 1 (examples drawn with replacement).
    ///   - steps: how many steps.
    ///   - learningRate: η_k for the update after k completed steps (k = 0, 1, …).
    /// - Returns: `steps + 1` values, E‖e_0‖² = ‖w₀ − w*‖² first.
    /// - Throws: `ConvergenceError.invalidProblem` for a start of the wrong shape; `.invalidParameter` for m < 1.
    public static func expectedSquaredErrors(
        of problem: LeastSquaresProblem, from start: Matrix<Double>, batchSize m: Int, steps: Int,
        learningRate: (Int) -> Double
    ) throws(ConvergenceError) -> [Double] {
        let bowl = problem.bowl
        guard start.rows == bowl.dimension, start.columns == 1 else {
            throw .invalidProblem("the starting point must be \(bowl.dimension)×1, got \(start.shapeDescription)")
        }
        try require(Double(m), "batch size", "at least 1") { $0 >= 1 }
        let covariance = problem.perExampleGradientCovariance(at: bowl.minimizer)
        let u = bowl.eigenvectors
        let projected = gemm(u, gemm(covariance, u), transposingA: true)  // UᵀΣU
        let noise = (0..<bowl.dimension).map { projected[$0, $0] / Double(m) }
        var moments = bowl.eigenCoordinates(of: start).map { $0 * $0 }
        let λ = bowl.eigenvalues
        var totals = [moments.reduce(0, +)]
        totals.reserveCapacity(steps + 1)
        for k in 0..<max(steps, 0) {
            let η = learningRate(k)
            var total = 0.0
            for i in moments.indices {
                let factor = 1 - η * λ[i]
                moments[i] = factor * factor * moments[i] + η * η * noise[i]
                total += moments[i]
            }
            totals.append(total)
        }
        return totals
    }
}
