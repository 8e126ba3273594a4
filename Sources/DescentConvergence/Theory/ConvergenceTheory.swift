// Predictions from a spectrum: stability bounds, optimal tunings, rates and
// iteration counts of gradient descent, heavy ball and Nesterov, the
// first-order lower bound and conjugate gradient's Chebyshev bound
// (THEORY.md §§1–4, with the seed notes' typos corrected as in §14).

import RealModule

/// What the eigenvalues λ₁ ≤ … ≤ λ_d of a positive-definite H predict about
/// first-order methods on E(w) = E* + ½(w − w*)ᵀH(w − w*).
///
/// ```swift
/// let theory = try ConvergenceTheory(bowl: bowl)
/// theory.gradientDescentOptimal            // .gradientDescent(learningRate: 2/(μ + L))
/// theory.rate(of: theory.polyakOptimal)    // (√κ − 1)/(√κ + 1)
/// theory.iterations(toReduceErrorBy: 1e-6, rate: 0.9)   // 132
/// ```
public struct ConvergenceTheory: Sendable {
    /// λ₁ ≤ … ≤ λ_d, all > 0.
    public let eigenvalues: [Double]

    /// - Throws: `ConvergenceError.invalidProblem` for an empty spectrum, a
    ///   non-finite eigenvalue, or an eigenvalue ≤ 0 (no unique minimum: the
    ///   rates below assume H ≻ 0; a negative eigenvalue diverges for every η > 0).
    public init(eigenvalues: [Double]) throws(ConvergenceError) {
        guard !eigenvalues.isEmpty else { throw .invalidProblem("a spectrum needs at least one eigenvalue") }
        if let bad = eigenvalues.first(where: { !$0.isFinite }) {
            throw .invalidProblem("eigenvalue \(bad) is not finite")
        }
        let sorted = eigenvalues.sorted()
        guard sorted[0] > 0 else {
            throw .invalidProblem(
                "the smallest eigenvalue is \(sorted[0]): the rates of convergence need a positive-definite Hessian "
                    + "(a negative eigenvalue makes gradient descent diverge for every step size)")
        }
        self.eigenvalues = sorted
    }

    /// The theory of a positive-definite bowl.
    public init(bowl: QuadraticBowl) throws(ConvergenceError) { try self.init(eigenvalues: bowl.eigenvalues) }

    /// μ = λmin.
    public var smallest: Double { eigenvalues.first! }
    /// L = λmax.
    public var largest: Double { eigenvalues.last! }
    /// κ = L/μ.
    public var conditionNumber: Double { largest / smallest }

    // MARK: - Tunings

    /// Gradient descent at η = 2/(μ + L), the fastest constant step: ρ = (κ − 1)/(κ + 1).
    public var gradientDescentOptimal: FirstOrderMethod { .gradientDescent(learningRate: 2 / (smallest + largest)) }
    /// Gradient descent at η = 1/L: kills the λmax component in one step; ρ = 1 − 1/κ.
    public var gradientDescentAtInverseL: FirstOrderMethod { .gradientDescent(learningRate: 1 / largest) }
    /// Polyak's optimal heavy ball: η* = 4/(√L + √μ)², μ* = ((√κ − 1)/(√κ + 1))², ρ = (√κ − 1)/(√κ + 1).
    public var polyakOptimal: FirstOrderMethod {
        let q = lowerBoundRate
        return .heavyBall(learningRate: 4 / Double.pow(largest.squareRoot() + smallest.squareRoot(), 2), momentum: q * q)
    }
    /// Nesterov's standard tuning for strongly convex functions: α = 1/L, β = (√κ − 1)/(√κ + 1), ρ = 1 − 1/√κ.
    public var nesterovStandard: FirstOrderMethod { .nesterov(learningRate: 1 / largest, momentum: lowerBoundRate) }
    /// The quadratic-optimal Nesterov tuning (Lessard, Recht & Packard 2016): α = 4/(3L + μ),
    /// β = (√(3κ + 1) − 2)/(√(3κ + 1) + 2), ρ = 1 − 2/√(3κ + 1).
    public var nesterovQuadraticOptimal: FirstOrderMethod {
        let s = (3 * conditionNumber + 1).squareRoot()
        return .nesterov(learningRate: 4 / (3 * largest + smallest), momentum: (s - 2) / (s + 2))
    }

    // MARK: - Rates

    /// The closed-form rates of the tunings above, for comparison with ``rate(of:)``.
    public var closedFormRates: [(name: String, rate: Double)] {
        let κ = conditionNumber
        return [
            ("GD at 2/(μ+L): (κ−1)/(κ+1)", (κ - 1) / (κ + 1)),
            ("GD at 1/L: 1 − 1/κ", 1 - 1 / κ),
            ("Polyak heavy ball: (√κ−1)/(√κ+1)", lowerBoundRate),
            ("Nesterov standard: 1 − 1/√κ", 1 - 1 / κ.squareRoot()),
            ("Nesterov quadratic-optimal: 1 − 2/√(3κ+1)", 1 - 2 / (3 * κ + 1).squareRoot()),
        ]
    }

    /// The asymptotic rate of `method` on this spectrum, with where it is attained.
    public func ratePrediction(of method: FirstOrderMethod) -> RatePrediction {
        var best = RatePrediction(rate: -1, eigenvalue: .nan, isDefective: false)
        for λ in eigenvalues {
            let roots = method.roots(eigenvalue: λ)
            let radius = roots.spectralRadius
            if radius > best.rate * (1 + 1e-12) {
                best = RatePrediction(rate: radius, eigenvalue: λ, isDefective: !roots.isComplex && roots.isDouble(relativeTolerance: 1e-6))
            } else if radius >= best.rate * (1 - 1e-12), !roots.isComplex, roots.isDouble(relativeTolerance: 1e-6) {
                best.isDefective = true  // a tie with a double root: the k·ρᵏ factor still shows
            }
        }
        return best
    }

    /// ρ = maxᵢ spectral radius of the method's iteration matrix over the eigenvalues.
    public func rate(of method: FirstOrderMethod) -> Double { ratePrediction(of: method).rate }

    /// The largest stable learning rate for `method`'s momentum on this spectrum:
    /// 2/L (GD), 2(1 + μ)/L (heavy ball), (2 + 2μ)/((1 + 2μ)L) (Nesterov). Steps below converge, steps above diverge.
    public func stabilityBound(of method: FirstOrderMethod) -> Double { method.stabilityThreshold / largest }

    /// q = (√κ − 1)/(√κ + 1): no first-order method beats ‖x_k − x*‖ ≥ qᵏ‖x₀ − x*‖ on the worst
    /// quadratic (Nesterov 2004, Thm 2.1.13); also Polyak's rate and CG's Chebyshev rate.
    public var lowerBoundRate: Double {
        let s = conditionNumber.squareRoot()
        return (s - 1) / (s + 1)
    }

    /// Conjugate gradient's guarantee ‖e_k‖_H ≤ 2qᵏ‖e₀‖_H (Chebyshev bound; Trefethen & Bau Thm 38.5), relative.
    public func conjugateGradientBound(steps k: Int) -> Double { 2 * Double.pow(lowerBoundRate, Double(k)) }

    // MARK: - Iteration counts

    /// T(ε) = ⌈ln(1/ε)/(−ln ρ)⌉, the steps a rate-ρ contraction needs to shrink the error by ε.
    /// - Returns: `nil` when ρ ≥ 1 (never), 0 when ε ≥ 1 (already there), 1 when ρ = 0 (one step lands on w*).
    public func iterations(toReduceErrorBy epsilon: Double, rate: Double) -> Int? {
        Self.iterations(toReduceErrorBy: epsilon, rate: rate)
    }

    /// T(ε) = ⌈ln(1/ε)/(−ln ρ)⌉; `nil` when ρ ≥ 1, 0 when ε ≥ 1, 1 when ρ = 0.
    public static func iterations(toReduceErrorBy epsilon: Double, rate: Double) -> Int? {
        guard rate < 1 else { return nil }
        guard epsilon < 1 else { return 0 }
        guard rate > 0 else { return 1 }
        return Int((Double.log(1 / epsilon) / -Double.log(rate)).rounded(.up))
    }

    /// The unrounded ln(1/ε)/(−ln ρ) (THEORY.md's 68.85 for κ = 10), or ∞ when ρ ≥ 1.
    public static func fractionalIterations(toReduceErrorBy epsilon: Double, rate: Double) -> Double {
        guard rate < 1 else { return .infinity }
        guard rate > 0 else { return 0 }
        return Double.log(1 / epsilon) / -Double.log(rate)
    }

    // MARK: - Predicted loss curves

    /// E(w_T) − E* = ½ Σᵢ λᵢ αᵢ(T)² with each αᵢ(T) from `method`'s exact per-direction recurrence
    /// (v₀ = 0). For gradient descent this is ``gradientDescentExcessLoss(learningRate:initialCoordinates:steps:)``.
    /// - Precondition: `initialCoordinates.count == eigenvalues.count` (ascending order, as the bowl's).
    public func predictedExcessLoss(of method: FirstOrderMethod, initialCoordinates α0: [Double], steps: Int) -> Double {
        precondition(α0.count == eigenvalues.count, "\(α0.count) coordinates for \(eigenvalues.count) eigenvalues")
        return zip(eigenvalues, α0).reduce(0) { sum, pair in
            let α = method.predictedCoordinate(eigenvalue: pair.0, initial: pair.1, steps: steps)
            return sum + 0.5 * pair.0 * α * α
        }
    }

    // MARK: - Gradient descent in closed form

    /// The per-direction factors 1 − ηλᵢ of gradient descent (signed: negative when η > 1/λᵢ).
    public func gradientDescentFactors(learningRate η: Double) -> [Double] { eigenvalues.map { 1 - η * $0 } }

    /// E(w_T) − E* = ½ Σᵢ λᵢ (1 − ηλᵢ)^{2T} αᵢ(0)² for gradient descent (THEORY.md §1).
    /// - Precondition: `initialCoordinates.count == eigenvalues.count` (in the same ascending order).
    public func gradientDescentExcessLoss(learningRate η: Double, initialCoordinates α0: [Double], steps: Int) -> Double {
        precondition(α0.count == eigenvalues.count, "\(α0.count) coordinates for \(eigenvalues.count) eigenvalues")
        return zip(eigenvalues, α0).reduce(0) { sum, pair in
            let (λ, α) = pair
            return sum + 0.5 * λ * Double.pow(1 - η * λ, 2 * steps) * α * α
        }
    }
}

/// A predicted asymptotic rate and the eigenvalue that sets it.
public struct RatePrediction: Sendable, Hashable, Codable {
    /// ρ, the spectral radius (‖e_k‖ ≈ C·ρᵏ, or C·k·ρᵏ when defective).
    public var rate: Double
    /// The eigenvalue whose direction decays slowest.
    public var eigenvalue: Double
    /// Whether that direction's iteration matrix has a double root, so that the
    /// error behaves like k·ρᵏ (Polyak's optimum at both spectrum ends, Nesterov's standard tuning at λmin).
    public var isDefective: Bool
}

// MARK: - Momentum in low curvature

/// The velocity of heavy ball under a constant gradient g: v_k = −ηg(1 − μᵏ)/(1 − μ) → −ηg/(1 − μ).
/// The limit is the "effective learning rate" η/(1 − μ) of the notes (S0): ×10 for μ = 0.9.
public func heavyBallVelocity(learningRate η: Double, momentum μ: Double, gradient g: Double, steps k: Int) -> Double {
    -η * g * (1 - Double.pow(μ, Double(k))) / (1 - μ)
}

/// η/(1 − μ), the step heavy ball takes along a direction of (nearly) constant gradient.
public func effectiveLearningRate(learningRate η: Double, momentum μ: Double) -> Double { η / (1 - μ) }
