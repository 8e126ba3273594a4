// AdaDelta (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012,
// Alg. 1): the step is the ratio of two running RMS values, so its units
// match θ's and no global learning rate is needed.
//
// The frameworks keep Zeiler's update and multiply it by a learning rate
// (PyTorch 1, Keras 1e−3, optax: required); they differ in defaults only.

import DescentLinalg

/// AdaDelta: Δθ = −(RMS[Δθ]ₜ₋₁/RMS[g]ₜ)·g with running averages of g² and Δθ².
///
/// With g ← ∇f(θ) + λθ (coupled L2 decay; Keras convention: decoupled):
/// - E[g²] ← ρE[g²] + (1−ρ)g²;
/// - Δ = √(E[Δθ²] + ε)/√(E[g²] + ε) · g;
/// - E[Δθ²] ← ρE[Δθ²] + (1−ρ)Δ²;
/// - θ ← θ − ηΔ.
///
/// Zeiler's Alg. 1 is η = 1 (`.paper`'s default). A learning rate η ≠ 1
/// scales the step but not the accumulated E[Δθ²], which tracks the unscaled
/// Δ (as in every framework), so a schedule on η does not feed back into the
/// step size. With E[Δθ²] = 0 at the start, the first step is about √ε·g/|g|:
/// AdaDelta starts slowly by design.
///
/// | convention | η default | ρ default | ε default | decay |
/// |---|---|---|---|---|
/// | `.paper` (Zeiler Alg. 1) | 1 (no global rate) | 0.95 | 1e−6 | coupled |
/// | `.pytorch` | 1.0 | 0.9 | 1e−6 | coupled |
/// | `.optax` | must be given | 0.9 | 1e−6 | coupled (`weight_decay`) |
/// | `.keras` | 1e−3 | 0.95 | 1e−7 | decoupled θ ← θ − ηλθ |
///
/// The update itself is the same in all four (ε inside both roots).
///
/// References: Zeiler 2012, Alg. 1.
public struct AdaDelta<Scalar: BLASScalar>: HyperparameterTable {
    /// η ≥ 0, a multiplier of Zeiler's step (1 in the paper).
    public var learningRate: Scalar
    /// ρ ∈ [0, 1], the decay rate of both running averages.
    public var decay: Scalar
    /// ε > 0, inside both roots; it also sets the size of the first steps.
    public var epsilon: Scalar
    /// λ ≥ 0, coupled L2 decay (decoupled under `.keras`).
    public var weightDecay: Scalar
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .closedUnitInterval(.decay, \.decay),
        // ε = 0 would make every step 0·g/… = 0 from E[Δθ²] = 0: AdaDelta never moves.
        .positive(.epsilon, \.epsilon), .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    /// E[g²] and E[Δθ²], one of each per parameter.
    private var averages = BufferPair<Scalar>("meanSquareGradient", "meanSquareUpdate")

    /// - Parameters:
    ///   - learningRate: η ≥ 0; `nil` takes the convention's (1; Keras 1e−3).
    ///     `.optax` has no default (`optax.adadelta(learning_rate=None)` does
    ///     not flip the sign and climbs), so it must be given there.
    ///   - decay: ρ ∈ [0, 1]; `nil` takes the convention's (0.95; PyTorch and optax 0.9).
    ///   - epsilon: ε > 0; `nil` takes the convention's (1e−6; Keras 1e−7).
    ///   - weightDecay: λ ≥ 0.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar? = nil, decay: Scalar? = nil, epsilon: Scalar? = nil, weightDecay: Scalar = 0,
        convention: Convention = .paper
    ) throws(OptimizerError) {
        if convention == .optax, learningRate == nil {
            throw .invalidHyperparameter(
                optimizer: "AdaDelta", name: "learningRate", value: .nan,
                requirement: "given under the optax convention (optax.adadelta without a learning rate ascends)")
        }
        self.learningRate = learningRate ?? (convention == .keras ? 1e-3 : 1)
        self.decay = decay ?? ((convention == .pytorch || convention == .optax) ? 0.9 : 0.95)
        self.epsilon = epsilon ?? (convention == .keras ? 1e-7 : 1e-6)
        self.weightDecay = weightDecay
        self.convention = convention
        try validateHyperparameters()
    }

    public var name: String { "AdaDelta" }

    // MARK: - Update

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try averages.prepare(like: parameters)
        stepCount += 1
        let eta = learningRate, rho = decay, eps = epsilon
        let decoupled = convention == .keras
        let lambda = weightDecay
        for index in parameters.indices {
            averages.withElements(at: index, &parameters, gradients) { w, g, squares, updates in
                for i in w.indices {
                    if decoupled { w[i] -= w[i] * lambda * eta }
                    let gi = decoupled ? g[i] : g[i] + lambda * w[i]
                    squares[i] = rho * squares[i] + (1 - rho) * gi * gi
                    let step = (updates[i] + eps).squareRoot() / (squares[i] + eps).squareRoot() * gi
                    updates[i] = rho * updates[i] + (1 - rho) * step * step
                    w[i] -= eta * step
                }
            }
        }
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> { baseState(buffers: averages.buffers) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: averages.slots)
        averages.restore(from: state)
        stepCount = state.stepCount
    }
}
