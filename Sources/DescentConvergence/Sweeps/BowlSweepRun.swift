// BowlSweepRun: one row of a sweep — what ran, what it measured, what the
// theory said, and whether the theory held.

/// What the measured and predicted numbers of a run are.
public enum BowlSweepQuantity: String, Codable, Sendable {
    /// The asymptotic linear rate ρ (error ∝ ρᵏ, or k·ρᵏ at a double root).
    case rate
    /// An upper bound on the rate (conjugate gradient: Chebyshev's q).
    case rateBound
    /// No rate theory: the relative error after the run (adaptive methods, judged in pairs).
    case finalError
    /// E‖w_k − w*‖² averaged over the last 20% of steps (mini-batch SGD).
    case meanSquaredError
}

/// One point of a run's error curve.
public struct BowlSweepCurvePoint: Sendable, Hashable, Codable {
    /// The iteration k.
    public var iteration: Int
    /// ‖w_k − w*‖/‖w₀ − w*‖.
    public var relativeError: Double
}

/// One optimizer on one bowl.
public struct BowlSweepRun: Sendable, Codable {
    /// The dimension d.
    public var dimension: Int
    /// κ = L/μ.
    public var conditionNumber: Double
    /// The spectrum's shape.
    public var spectrum: BowlSweepSpectrum
    /// "rotated" (Haar-random eigenvectors) or "diagonal" (axis-aligned).
    public var basis: String
    /// The method.
    public var method: BowlSweepMethod
    /// The hyperparameters it ran with (η, μ, β, batch size, …).
    public var hyperparameters: [String: Double]
    /// Iterations until ‖w_k − w*‖ ≤ tolerance·‖w₀ − w*‖, or `nil` when the run stopped first.
    public var iterations: Int?
    /// The iterations the theory predicts for the tolerance (first-order methods and CG), if any.
    public var predictedIterations: Int?
    /// Steps actually taken.
    public var steps: Int
    /// ‖w_T − w*‖/‖w₀ − w*‖ at the end.
    public var finalRelativeError: Double
    /// Whether the run diverged.
    public var diverged: Bool
    /// What `measured` and `predicted` are.
    public var quantity: BowlSweepQuantity
    /// The measured value (fitted rate, final error, mean squared error), or `nil` if it could not be measured.
    public var measured: Double?
    /// The theory's value, or `nil` where there is no numeric prediction.
    public var predicted: Double?
    /// measured / predicted.
    public var ratio: Double? {
        guard let measured, let predicted, predicted != 0 else { return nil }
        return measured / predicted
    }
    /// ln ρ̂ / ln ρ for rates (the ratio of iteration counts), `nil` otherwise.
    public var exponentRatio: Double?
    /// Whether the prediction held under `criterion` (`nil`: nothing to judge).
    public var held: Bool?
    /// The test applied, in words.
    public var criterion: String
    /// Wall time per iteration in seconds (the whole loop: gradient, update and error bookkeeping).
    public var secondsPerIteration: Double
    /// The relative error curve, at most ~120 points (logarithmically spaced iterations).
    public var curve: [BowlSweepCurvePoint]

    /// "d=100 κ=1000 log rotated".
    public var bowlLabel: String {
        "d=\(dimension) κ=\(conditionNumber.short) \(spectrum.rawValue)\(basis == "rotated" ? "" : " \(basis)")"
    }
}

/// ~`count` logarithmically spaced iterations of a relative-error series, always with the first and last.
func sampledCurve(_ relativeErrors: [Double], count: Int = 120) -> [BowlSweepCurvePoint] {
    guard !relativeErrors.isEmpty else { return [] }
    let last = relativeErrors.count - 1
    var indices: Set<Int> = [0, last]
    if last > 0 {
        for i in 0...count {
            let k = Int(Double.exp(Double(i) / Double(count) * Double.log(Double(last) + 1)).rounded()) - 1
            indices.insert(min(max(k, 0), last))
        }
    }
    return indices.sorted().map { BowlSweepCurvePoint(iteration: $0, relativeError: relativeErrors[$0]) }
}
