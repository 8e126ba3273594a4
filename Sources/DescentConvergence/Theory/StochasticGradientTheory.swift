// SGD on least squares (THEORY.md §5): the variance of a mini-batch gradient
// with and without replacement, the stationary noise ball of a constant step,
// and the Robbins–Monro conditions on a decaying step.

import DescentLinalg
import DescentOptimizers

/// Predictions for mini-batch SGD on a least-squares problem.
public enum StochasticGradientTheory {
    /// The variance of a mini-batch mean of m of N per-example gradients whose
    /// (population) variance is s²: s²/m with replacement, (s²/m)·(N − m)/(N − 1) without.
    /// For vectors pass s² = tr Σ₁ and get E‖g_batch − ∇E‖².
    public static func minibatchVariance(
        perExampleVariance s2: Double, examples n: Int, batchSize m: Int, sampling: LeastSquaresProblem.Sampling
    ) -> Double {
        switch sampling {
        case .withReplacement: s2 / Double(m)
        case .withoutReplacement: n > 1 ? s2 / Double(m) * Double(n - m) / Double(n - 1) : 0
        }
    }

    /// The stationary second moment V = E(w − w*)² of constant-step SGD on a
    /// one-feature least-squares problem with batches drawn with replacement:
    /// V = η·E[b²] / (2E[a] − η·E[a²]), with a = batch mean of x², b = batch mean
    /// of x(t − xw*), E[a] = λ, E[a²] = λ² + Var(x²)/m, E[b²] = s_b²/m.
    /// To first order V ≈ η·s_b²/(2mλ): proportional to η/m. The excess loss is (λ/2)·V.
    /// - Throws: `ConvergenceError.invalidProblem` unless the problem has exactly
    ///   one feature column; `.invalidParameter` when η ≤ 0, m < 1, or the step
    ///   is too large for a stationary distribution (2E[a] ≤ ηE[a²]).
    /// - References: Bottou, Curtis & Nocedal 2018 (SIAM Rev.), Thm 4.6, for the η-proportional neighbourhood.
    public static func stationarySecondMoment(
        of problem: LeastSquaresProblem, learningRate η: Double, batchSize m: Int
    ) throws(ConvergenceError) -> Double {
        guard problem.features.columns == 1 else {
            throw .invalidProblem("the exact noise-ball formula is for one feature; this problem has \(problem.features.columns)")
        }
        try require(η, "learning rate", "a finite number > 0") { $0 > 0 }
        try require(Double(m), "batch size", "at least 1") { $0 >= 1 }
        let moments = oneFeatureMoments(problem)
        let meanA2 = moments.lambda * moments.lambda + moments.varianceOfSquares / Double(m)
        let denominator = 2 * moments.lambda - η * meanA2
        guard denominator > 0 else {
            throw .invalidParameter(
                name: "learning rate", value: η, requirement: "below 2E[a]/E[a²] = \((2 * moments.lambda / meanA2).short) for a stationary noise ball")
        }
        return η * moments.residualMoment / Double(m) / denominator
    }

    /// λ = mean x², Var(x²), and s_b² = mean of (x(t − xw*))² for a one-feature problem.
    static func oneFeatureMoments(_ problem: LeastSquaresProblem) -> (lambda: Double, varianceOfSquares: Double, residualMoment: Double) {
        let n = Double(problem.count)
        let x = problem.features.elements
        let t = problem.targets.elements
        let w = problem.bowl.minimizer[0, 0]
        let lambda = x.reduce(0) { $0 + $1 * $1 } / n
        let varianceOfSquares = x.reduce(0) { $0 + ($1 * $1 - lambda) * ($1 * $1 - lambda) } / n
        let residualMoment = zip(x, t).reduce(0) { sum, pair in
            let b = pair.0 * (pair.1 - pair.0 * w)
            return sum + b * b
        } / n
        return (lambda, varianceOfSquares, residualMoment)
    }

    /// The partial sums Σ_{k=1}^{K} εₖ and Σ εₖ² of a step schedule: Robbins–Monro asks the
    /// first to diverge and the second to converge (true for c/k; c/√k fails the second, c/k² the first).
    public static func robbinsMonroSums(steps: Int, schedule: (Int) -> Double) -> (sum: Double, sumOfSquares: Double) {
        var sum = 0.0
        var squares = 0.0
        for k in 1...max(steps, 1) {
            let ε = schedule(k)
            sum += ε
            squares += ε * ε
        }
        return (sum, squares)
    }
}

extension LeastSquaresProblem {
    /// Runs `optimizer` with mini-batch gradients of m examples for `steps` steps.
    ///
    /// - Parameters:
    ///   - optimizer: any optimizer of DescentOptimizers (wrap it in `Scheduled` for a decaying step).
    ///   - start: w₀ (p×1).
    ///   - batchSize: m ≥ 1.
    ///   - sampling: with or without replacement (a fresh draw for every step).
    ///   - steps: how many steps.
    ///   - seed: the seed of the batch draws.
    ///   - recordingExcessValues: also record E(w_k) − E* (one product with H per step, O(p²));
    ///     `false` leaves `excessValues` empty, for large p.
    /// - Returns: the trajectory of ‖w_k − w*‖ and E(w_k) − E*.
    /// - Throws: `ConvergenceError` for a bad batch size or start; `.optimizerFailed` if the optimizer throws.
    public func iterateStochastic<Method: Optimizer>(
        with optimizer: inout Method, from start: Matrix<Double>, batchSize: Int, sampling: Sampling, steps: Int,
        seed: UInt64, recordingExcessValues: Bool = true
    ) throws(ConvergenceError) -> BowlTrajectory where Method.Scalar == Double {
        guard start.rows == features.columns, start.columns == 1 else {
            throw .invalidProblem("the starting point must be \(features.columns)×1, got \(start.shapeDescription)")
        }
        var generator = Xoshiro256StarStar(seed: seed)
        var w = [start]
        var errors = [(start - bowl.minimizer).frobeniusNorm]
        var excess = recordingExcessValues ? [bowl.excessValue(at: start)] : []
        errors.reserveCapacity(steps + 1)
        excess.reserveCapacity(steps + 1)
        for _ in 0..<max(steps, 0) {
            let indices = try batchIndices(size: batchSize, sampling: sampling, using: &generator)
            let gradient = self.gradient(at: w[0], over: indices)
            do { try optimizer.update(&w, with: [gradient]) } catch { throw .optimizerFailed("\(error)") }
            errors.append((w[0] - bowl.minimizer).frobeniusNorm)
            if recordingExcessValues { excess.append(bowl.excessValue(at: w[0])) }
        }
        return BowlTrajectory(
            optimizer: optimizer.name, errorNorms: errors, excessValues: excess, coordinates: [:],
            ending: .reachedStepLimit, secondsPerStep: 0, finalPoint: w[0].elements)
    }
}
