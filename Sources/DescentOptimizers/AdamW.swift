// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
// ICLR 2019, Alg. 2): the decay acts on θ directly and is never divided by √v̂.

import DescentLinalg

/// How AdamW's decoupled decay is scaled.
public enum DecoupledDecayForm: String, Sendable, CaseIterable {
    /// The paper: θ ← θ − ηₜ(α·m̂/(√v̂ + ε) + λθ). The decay is scaled by the
    /// schedule multiplier ηₜ only, not by α.
    case fullyDecoupled
    /// PyTorch, optax and Keras: θ ← θ − αλθ, then the Adam step with rate α.
    case learningRateScaled
}

/// Adam with decoupled weight decay.
///
/// In the paper's form the learning rate α and the schedule multiplier ηₜ
/// (``Hyperparameter/scheduleMultiplier``) are separate: schedule ηₜ to decay
/// both the step and the decay together, as Loshchilov & Hutter do. Compare
/// ``Adam`` with `weightDecay`, whose L2 term is added to the gradient and then
/// normalised (THEORY.md §12: 0.99, 0.9801, … for AdamW against 0.9, 0.8004, …
/// for Adam + L2 under a zero loss gradient).
public struct AdamW<Scalar: BLASScalar>: HyperparameterTable {
    /// α > 0 (default 1e−3).
    public var learningRate: Scalar
    /// β₁ ∈ [0, 1).
    public var beta1: Scalar
    /// β₂ ∈ [0, 1).
    public var beta2: Scalar
    /// ε ≥ 0.
    public var epsilon: Scalar
    /// λ ≥ 0. Defaults: 1e−4 for the paper form (applied once per step, not scaled by α) and
    /// optax; 1e−2 for PyTorch and 4e−3 for Keras (both scaled by α).
    public var weightDecay: Scalar
    /// ηₜ ≥ 0, the paper's schedule multiplier (1 unless scheduled).
    public var scheduleMultiplier: Scalar
    /// How the decay is scaled; the paper's fully decoupled form by default.
    public let decayForm: DecoupledDecayForm
    /// AMSGrad's running maximum, or `nil`.
    public let amsgrad: AMSGradMaximum?
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.beta1, \.beta1),
        .halfOpenUnitInterval(.beta2, \.beta2), .nonNegative(.epsilon, \.epsilon),
        .nonNegative(.weightDecay, \.weightDecay), .nonNegative(.scheduleMultiplier, \.scheduleMultiplier),
    ]

    public private(set) var stepCount = 0
    private var moments = AdamMoments<Scalar>()

    /// - Parameters:
    ///   - learningRate: α > 0.
    ///   - beta1: β₁ ∈ [0, 1).
    ///   - beta2: β₂ ∈ [0, 1).
    ///   - epsilon: ε ≥ 0; `nil` takes the convention's default (1e−8, Keras 1e−7).
    ///   - weightDecay: λ ≥ 0; `nil` takes the convention's default.
    ///   - decayForm: `nil` takes the convention's: `.fullyDecoupled` for `.paper`,
    ///     `.learningRateScaled` for the frameworks.
    ///   - amsgrad: keep the running maximum of v.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar? = nil,
        weightDecay: Scalar? = nil, decayForm: DecoupledDecayForm? = nil, amsgrad: Bool = false,
        convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon ?? (convention == .keras ? 1e-7 : 1e-8)
        self.weightDecay =
            weightDecay
            ?? {
                switch convention {
                // The paper's λ multiplies θ once per step (scaled by ηₜ only):
                // its normalized decay λ_norm = 0.05 gives λ = λ_norm·√(b/(B·T)) ≈ 1e−4
                // for b = 128, B = 50 000, T = 100 epochs. PyTorch's 1e−2 is scaled by α.
                case .paper, .optax: 1e-4
                case .pytorch: 1e-2
                case .keras: 4e-3
                }
            }()
        self.scheduleMultiplier = 1
        self.decayForm = decayForm ?? (convention == .paper ? .fullyDecoupled : .learningRateScaled)
        self.amsgrad = amsgrad ? (convention == .optax ? .biasCorrected : .raw) : nil
        self.convention = convention
        try validateHyperparameters()
    }

    public var name: String { "AdamW" }

    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        let factor =
            decayForm == .fullyDecoupled
            ? scheduleMultiplier * weightDecay : scheduleMultiplier * learningRate * weightDecay
        let coefficients = AdamCoefficients(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, coupledDecay: 0,
            decoupledFactor: factor, stepScale: scheduleMultiplier, denominator: convention.adamDenominator,
            amsgrad: amsgrad)
        try moments.update(&parameters, gradients, step: stepCount + 1, coefficients)
        stepCount += 1
    }

    public func state() -> OptimizerState<Scalar> { baseState(buffers: moments.buffers) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: AdamMoments<Scalar>.slots(amsgrad: amsgrad != nil))
        moments = AdamMoments(buffers: state.buffers)
        stepCount = state.stepCount
    }
}
