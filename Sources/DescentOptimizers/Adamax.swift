// Adamax (Kingma & Ba, ICLR 2015, §7.1, Alg. 2): Adam with the L² norm of
// past gradients replaced by the L^∞ norm, an exponentially weighted maximum
// that needs no bias correction.
//
// The paper's algorithm has no ε: u can be 0 only where every gradient so far
// was 0 (then m = 0 too). Descent guards the division with ε in the
// denominator, m/(u + ε), as Keras does; PyTorch and optax put ε inside the
// maximum instead, u ← max(β₂u, |g| + ε).

import DescentLinalg

/// Adamax: θ ← θ − (α/(1−β₁ᵗ))·m/u with u an exponentially weighted maximum of |g|.
///
/// With g ← ∇f(θ) + λθ (coupled L2 decay; Keras convention: decoupled):
/// - m ← β₁m + (1−β₁)g;
/// - u ← max(β₂u, |g|);
/// - θ ← θ − (α/(1−β₁ᵗ))·m/(u + ε).
///
/// | convention | u | step | ε default | decay |
/// |---|---|---|---|---|
/// | `.paper` | max(β₂u, \|g\|) | (α/(1−β₁ᵗ))·m/(u + ε) | 1e−8 | coupled |
/// | `.pytorch` | max(β₂u, \|g\| + ε) | (α/(1−β₁ᵗ))·m/u | 1e−8 | coupled |
/// | `.optax` | max(\|g\| + ε, β₂u) | α·(m/(1−β₁ᵗ))/u | 1e−8 | coupled (`add_decayed_weights`) |
/// | `.keras` | max(β₂u, \|g\|) | α·m/((1−β₁ᵗ)(u + ε)) | 1e−7 | decoupled θ ← θ − αλθ |
///
/// With ε = 0 under `.paper` the step is Kingma & Ba's exactly; a coordinate
/// with u = 0 (only zero gradients so far) then does not move.
///
/// References: Kingma & Ba 2015, Alg. 2.
public struct Adamax<Scalar: BLASScalar>: HyperparameterTable {
    /// α ≥ 0 (default 2e−3, the paper's).
    public var learningRate: Scalar
    /// β₁ ∈ [0, 1).
    public var beta1: Scalar
    /// β₂ ∈ [0, 1).
    public var beta2: Scalar
    /// ε ≥ 0 (where it goes depends on the convention).
    public var epsilon: Scalar
    /// λ ≥ 0, coupled L2 decay (decoupled under `.keras`).
    public var weightDecay: Scalar
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.beta1, \.beta1),
        .halfOpenUnitInterval(.beta2, \.beta2), .nonNegative(.epsilon, \.epsilon),
        .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    /// m and u, one of each per parameter.
    private var moments = BufferPair<Scalar>("firstMoment", "infinityNorm")

    /// - Parameters:
    ///   - learningRate: α ≥ 0.
    ///   - beta1: β₁ ∈ [0, 1).
    ///   - beta2: β₂ ∈ [0, 1).
    ///   - epsilon: ε ≥ 0; `nil` takes the convention's (1e−8; Keras 1e−7).
    ///   - weightDecay: λ ≥ 0.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar = 2e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar? = nil,
        weightDecay: Scalar = 0, convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon ?? (convention == .keras ? 1e-7 : 1e-8)
        self.weightDecay = weightDecay
        self.convention = convention
        try validateHyperparameters()
    }

    public var name: String { "Adamax" }

    // MARK: - Update

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try moments.prepare(like: parameters)
        stepCount += 1
        let alpha = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        let keep = 1 - b1
        let correction = 1 - Scalar.pow(b1, Scalar(stepCount))
        let correctedRate = alpha / correction
        let decoupled = convention == .keras
        let lambda = decoupled ? 0 : weightDecay
        let decoupledDecay = decoupled ? weightDecay : 0
        let convention = convention
        for index in parameters.indices {
            moments.withElements(at: index, &parameters, gradients) { w, g, m, u in
                for i in w.indices {
                    if decoupled { w[i] -= w[i] * decoupledDecay * alpha }
                    let gi = g[i] + lambda * w[i]
                    switch convention {
                    case .paper:
                        m[i] = b1 * m[i] + keep * gi
                        u[i] = Swift.max(b2 * u[i], Swift.abs(gi))
                        let denominator = u[i] + eps
                        if denominator > 0 { w[i] -= correctedRate * m[i] / denominator }
                    case .pytorch:
                        // m.lerp_(g, 1 − β₁): m + (1−β₁)(g − m) for 1 − β₁ < ½.
                        m[i] = keep < 0.5 ? m[i] + keep * (gi - m[i]) : gi - (gi - m[i]) * b1
                        u[i] = Swift.max(b2 * u[i], Swift.abs(gi) + eps)
                        w[i] += -correctedRate * m[i] / u[i]
                    case .optax:
                        m[i] = keep * gi + b1 * m[i]
                        u[i] = Swift.max(Swift.abs(gi) + eps, b2 * u[i])
                        w[i] += -alpha * (m[i] / correction / u[i])
                    case .keras:
                        m[i] += (gi - m[i]) * keep
                        u[i] = Swift.max(b2 * u[i], Swift.abs(gi))
                        w[i] -= alpha * m[i] / (correction * (u[i] + eps))
                    }
                }
            }
        }
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> { baseState(buffers: moments.buffers) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: moments.slots)
        moments.restore(from: state)
        stepCount = state.stepCount
    }
}
