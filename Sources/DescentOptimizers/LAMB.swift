// LAMB (You, Li, Reddi, Hseu, Kumar, Bhojanapalli, Song, Demmel, Keutzer &
// Hsieh, "Large Batch Optimization for Deep Learning: Training BERT in 76
// minutes", ICLR 2020, Alg. 2): Adam's direction plus decay, rescaled per
// tensor to a step proportional to ‖w‖. THEORY.md §12 holds the test values.
//
// Sources read for the conventions: optax/_src/alias.py `lamb` and
// transform.py `scale_by_adam`, `scale_by_trust_ratio` (optax 0.2.8);
// keras/src/optimizers/lamb.py and base_optimizer.py (Keras 3.15);
// cybertronai/pytorch-lamb pytorch_lamb/lamb.py (PyTorch has no LAMB).

import DescentLinalg

extension Hyperparameter {
    /// ε inside the square root of an Adam-type denominator, √(v̂ + ε_root) (optax's `eps_root`).
    public static let epsilonInsideRoot: Hyperparameter = "epsilonInsideRoot"
}

/// Layer-wise adaptive moments for batch training.
///
/// For each parameter tensor w, with Adam's moments of g:
/// - r = m̂/(√(v̂ + ε_root) + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) (m and v
///   themselves when `biasCorrection` is off);
/// - u = r + λw;
/// - w ← w − η·φ(‖w‖)/‖u‖·u, with φ(z) = min(z, `weightNormClamp`) or φ(z) = z;
///   the trust ratio φ(‖w‖)/‖u‖ is 1 when ‖w‖ = 0 or ‖u‖ = 0.
///
/// The clamp acts on ‖w‖, not on the ratio: the notes' "clip the trust ratio
/// at 10" is cybertronai's clamp of φ(‖w‖) at 10 (THEORY.md §14, S1.11). The
/// notes' S1 form m̂/√(v̂ + ε) is `epsilon: 0, epsilonInsideRoot: ε`.
///
/// Conventions:
/// - `.paper` and `.optax` (`optax.lamb`, identical): as above, ε = 1e−6, no clamp.
/// - `.pytorch`: cybertronai/pytorch-lamb, the common PyTorch port: no bias
///   correction and φ(z) = min(z, 10) by default. (It has no zero-norm guard:
///   there a zero ‖w‖ gives ratio 0 and a zero ‖u‖ gives NaN; Descent uses 1.)
/// - `.keras`: `keras.optimizers.Lamb`: ε = 1e−7, u = r (no λw inside the
///   ratio); the decay is Keras 3's decoupled w ← w − ηλw applied first, so the
///   ratio uses the norm of the decayed w.
///
/// References: You et al. 2020.
public struct LAMB<Scalar: BLASScalar>: HyperparameterTable {
    /// η ≥ 0 (default 1e−3).
    public var learningRate: Scalar
    /// β₁ ∈ [0, 1).
    public var beta1: Scalar
    /// β₂ ∈ [0, 1).
    public var beta2: Scalar
    /// ε ≥ 0 outside the square root (default 1e−6; Keras 1e−7).
    public var epsilon: Scalar
    /// ε_root ≥ 0 inside the square root (default 0).
    public var epsilonInsideRoot: Scalar
    /// λ ≥ 0, inside u (decoupled before the step under `.keras`).
    public var weightDecay: Scalar
    /// Divide m and v by 1 − βᵗ (the paper); cybertronai does not.
    public let biasCorrection: Bool
    /// The upper clamp of φ(‖w‖) > 0, or `nil` for φ(z) = z.
    public let weightNormClamp: Scalar?
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.beta1, \.beta1),
        .halfOpenUnitInterval(.beta2, \.beta2), .nonNegative(.epsilon, \.epsilon),
        .nonNegative(.epsilonInsideRoot, \.epsilonInsideRoot), .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    /// The trust ratio φ(‖w‖)/‖u‖ for each tensor in the last update (empty before the first).
    public private(set) var trustRatios: [Scalar] = []
    /// m and v, one of each per parameter.
    private var moments = BufferPair<Scalar>("firstMoment", "secondMoment")

    /// - Parameters:
    ///   - learningRate: η ≥ 0.
    ///   - beta1: β₁ ∈ [0, 1).
    ///   - beta2: β₂ ∈ [0, 1).
    ///   - epsilon: ε ≥ 0; `nil` takes the convention's (1e−6, Keras 1e−7).
    ///   - epsilonInsideRoot: ε_root ≥ 0.
    ///   - weightDecay: λ ≥ 0.
    ///   - biasCorrection: `nil` takes the convention's (off for `.pytorch` only).
    ///   - weightNormClamp: the clamp of ‖w‖, > 0; `nil` takes the convention's
    ///     (10 for `.pytorch`, none otherwise); `.infinity` turns it off.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar? = nil,
        epsilonInsideRoot: Scalar = 0, weightDecay: Scalar = 0, biasCorrection: Bool? = nil,
        weightNormClamp: Scalar? = nil, convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon ?? (convention == .keras ? 1e-7 : 1e-6)
        self.epsilonInsideRoot = epsilonInsideRoot
        self.weightDecay = weightDecay
        self.biasCorrection = biasCorrection ?? (convention != .pytorch)
        let clamp = weightNormClamp ?? (convention == .pytorch ? 10 : nil)
        self.weightNormClamp = clamp == .infinity ? nil : clamp
        self.convention = convention
        try validateHyperparameters()
        if let clamp = self.weightNormClamp {
            try require(clamp, for: "weightNormClamp", "> 0 (or .infinity for no clamp)") { $0 > 0 }
        }
    }

    public var name: String { "LAMB" }

    // MARK: - Updates

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try moments.prepare(like: parameters)
        let t = stepCount + 1
        let eta = learningRate, b1 = beta1, b2 = beta2, eps = epsilon, epsRoot = epsilonInsideRoot
        let correction1 = biasCorrection ? 1 - Scalar.pow(b1, Scalar(t)) : 1
        let correction2 = biasCorrection ? 1 - Scalar.pow(b2, Scalar(t)) : 1
        let decoupled = convention == .keras
        // λ inside u, or Keras's w ← w(1 − ηλ) before everything else.
        let lambda = decoupled ? 0 : weightDecay
        let keep = decoupled ? 1 - eta * weightDecay : 1
        let clamp = weightNormClamp
        /// u = r + λw for one element.
        func direction(_ m: Scalar, _ v: Scalar, _ w: Scalar) -> Scalar {
            (m / correction1) / ((v / correction2 + epsRoot).squareRoot() + eps) + lambda * w
        }
        var ratios: [Scalar] = []
        ratios.reserveCapacity(parameters.count)
        for index in parameters.indices {
            // Pass 1: decay (Keras), moments, ‖w‖² and ‖u‖².
            var weightSquares: Scalar = 0, directionSquares: Scalar = 0
            moments.withElements(at: index, &parameters, gradients) { w, g, m, v in
                for i in w.indices {
                    if decoupled { w[i] *= keep }
                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                    let u = direction(m[i], v[i], w[i])
                    weightSquares += w[i] * w[i]
                    directionSquares += u * u
                }
            }
            var weightNorm = weightSquares.squareRoot()
            if let clamp { weightNorm = Swift.min(weightNorm, clamp) }
            let directionNorm = directionSquares.squareRoot()
            let ratio = weightNorm > 0 && directionNorm > 0 ? weightNorm / directionNorm : 1
            ratios.append(ratio)
            // Pass 2: the step, with u recomputed from the same values.
            let scale = eta * ratio
            parameters[index].withUnsafeMutableElements { w in
                moments.first[index].withUnsafeElements { m in
                    moments.second[index].withUnsafeElements { v in
                        for i in w.indices {
                            w[i] -= scale * direction(m[i], v[i], w[i])
                        }
                    }
                }
            }
        }
        trustRatios = ratios
        stepCount = t
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> { baseState(buffers: moments.buffers) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: moments.slots)
        moments.restore(from: state)
        stepCount = state.stepCount
        trustRatios = []
    }
}
