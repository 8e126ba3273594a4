// OptimizationImplications: a spectrum read as first-order optimization
// theory on E(w) = ½ wᵀHw (THEORY.md §§1–3).
//
// Design note. Every number here comes from `ConvergenceTheory` and
// `FirstOrderMethod` — the same code that the bowl experiments check against
// the optimizers — so a rate printed by `eigen spectrum` is the rate the
// library's own tests confirm. Only the ends of the spectrum enter the rates of
// these tunings (GD's |1 − ηλ| and the heavy-ball and Nesterov radii are
// largest at λmin or λmax), so a report built from the k smallest and k
// largest eigenvalues gives the same numbers as the full spectrum. A singular
// positive-semidefinite H is treated as gradient descent sees it: the
// component of w in the null space never moves, and on the range the rates
// are those of the positive eigenvalues (μ₊ = the smallest nonzero one).

/// What the spectrum of H means for gradient descent and momentum on E(w) = ½ wᵀHw.
public struct OptimizationImplications: Sendable, Hashable, Codable {
    /// Whether and how first-order methods converge on this quadratic.
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// H ≻ 0: every tuning below converges linearly from every start to the unique minimum.
        case convergesLinearly = "converges linearly"
        /// H ⪰ 0 and singular: convergence in the range of H only (the null-space part of w never moves).
        case convergesInRange = "converges in the range of H"
        /// A negative eigenvalue: no step size converges from every start.
        case noMinimum = "no minimum"
        /// The computed eigenvalues do not decide it.
        case unknown
    }

    /// The verdict.
    public var verdict: Verdict
    /// Why, in one or two sentences.
    public var explanation: String
    /// L = λmax, the smoothness constant (`nil` when unknown or not positive).
    public var largestCurvature: Double?
    /// μ = λmin for H ≻ 0, or μ₊ = the smallest eigenvalue > τ for a singular H ⪰ 0.
    public var smallestCurvature: Double?
    /// L/μ (or L/μ₊): the condition number the rates depend on.
    public var effectiveConditionNumber: Double?
    /// 2/L: gradient descent diverges along the top eigenvector for any larger step.
    public var largestStableLearningRate: Double?
    /// The error reduction ε the iteration counts aim for (1e-6 by default).
    public var tolerance: Double
    /// Gradient descent at 1/L and at 2/(L + μ), Polyak's heavy ball, and Nesterov (standard tuning).
    public var methods: [MethodPrediction]

    /// One tuned method and what the theory predicts for it.
    public struct MethodPrediction: Sendable, Hashable, Codable {
        /// "gradient descent, η = 1/L", …
        public var name: String
        /// The tuning, as a closed form in L and μ.
        public var tuning: String
        /// η.
        public var learningRate: Double
        /// The momentum coefficient β (0 for gradient descent; `FirstOrderMethod`'s μ).
        public var momentum: Double
        /// ρ, the asymptotic contraction per step (the spectral radius of the iteration).
        public var rate: Double
        /// ⌈ln(1/ε)/(−ln ρ)⌉, the steps to reduce the error by ε; `nil` when ρ ≥ 1.
        public var iterations: Int?
    }

    // MARK: - Building

    /// The implications of the known ends of a spectrum.
    init(known: Ends, definiteness: SpectrumReport.Definiteness, inertia: SpectrumReport.Inertia, tolerance: Double) {
        self.tolerance = tolerance
        methods = []
        let τ = known.zeroTolerance
        let top = known.largest.last
        switch definiteness {
        case .indefinite, .negativeDefinite, .negativeSemidefinite:
            verdict = .noMinimum
            let count = inertia.negative.map { "\($0)" } ?? "at least one"
            explanation =
                "\(count) negative eigenvalue\(inertia.negative == 1 ? "" : "s") (negative curvature): E(w) = ½wᵀHw is "
                + "unbounded below, and along such an eigenvector every step η > 0 multiplies the error by 1 − ηλ > 1, "
                + "so no step size converges from every start"
            if let top, top > τ { fill(positive: [], top: top) }  // 2/L still bounds the positive directions
            return
        case .unknown:
            verdict = .unknown
            explanation =
                "the computed eigenvalues do not show whether H has negative ones; compute the smallest eigenvalues too "
                + "(or the whole spectrum)"
            if let top, top > τ { fill(positive: [], top: top) }  // above 2/L the top eigendirection diverges
            return
        case .positiveDefinite, .positiveSemidefinite:
            break
        }
        let positive = known.values.filter { $0 > τ }
        if definiteness == .positiveSemidefinite, inertia.positive == 0 {
            verdict = .convergesInRange
            explanation =
                "every eigenvalue is zero (|λ| ≤ τ): E(w) is constant, every w is a minimum, and gradient descent "
                + "does not move"
            return
        }
        guard let top, top > τ else {
            verdict = .unknown
            explanation = "H is \(definiteness), but λmax is unknown: compute the largest eigenvalue too"
            return
        }
        guard known.smallestPositive != nil else {
            verdict = .unknown
            explanation =
                "H is \(definiteness), but its smallest nonzero eigenvalue is unknown: compute more of the smallest eigenvalues"
            return
        }
        if definiteness == .positiveDefinite {
            verdict = .convergesLinearly
            explanation =
                "H is positive definite: every step 0 < η < 2/L converges linearly to the unique minimum; "
                + "the rates depend on κ = L/μ"
        } else {
            verdict = .convergesInRange
            let zeros = inertia.zero.map { "\($0)" } ?? "some"
            explanation =
                "H is singular (\(zeros) zero eigenvalue\(inertia.zero == 1 ? "" : "s")): the part of w in its null space "
                + "never moves, so the methods converge to the minimum nearest the start, at rates set by the smallest "
                + "nonzero eigenvalue μ₊"
        }
        fill(positive: positive, top: top)
    }

    /// L and 2/L from `top`; with the positive eigenvalues (ascending, ending at `top`) also μ, κ and the four methods.
    private mutating func fill(positive: [Double], top: Double) {
        largestCurvature = top
        largestStableLearningRate = 2 / top
        guard !positive.isEmpty, let theory = try? ConvergenceTheory(eigenvalues: positive) else { return }
        smallestCurvature = theory.smallest
        effectiveConditionNumber = theory.conditionNumber
        let tunings: [(String, String, FirstOrderMethod)] = [
            ("gradient descent", "η = 1/L", theory.gradientDescentAtInverseL),
            ("gradient descent", "η* = 2/(L + μ)", theory.gradientDescentOptimal),
            ("heavy ball (Polyak)", "η = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²", theory.polyakOptimal),
            ("Nesterov", "η = 1/L, β = (√κ − 1)/(√κ + 1)", theory.nesterovStandard),
        ]
        methods = tunings.map { name, tuning, method in
            let rate = theory.rate(of: method)
            return MethodPrediction(
                name: name, tuning: tuning, learningRate: method.learningRate, momentum: method.momentum, rate: rate,
                iterations: ConvergenceTheory.iterations(toReduceErrorBy: tolerance, rate: rate))
        }
    }
}
