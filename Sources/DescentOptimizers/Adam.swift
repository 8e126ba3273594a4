// Adam (Kingma & Ba, ICLR 2015, Alg. 1) with coupled L2 decay and AMSGrad
// (Reddi, Kale & Kumar, ICLR 2018). THEORY.md §12 holds the reference trace.

import DescentLinalg

/// Adam: bias-corrected moment estimates, step α·m̂/(√v̂ + ε).
///
/// With g ← ∇f + λθ (coupled L2, PyTorch's `Adam(weight_decay:)`):
/// mₜ = β₁mₜ₋₁ + (1−β₁)g, vₜ = β₂vₜ₋₁ + (1−β₂)g², m̂ = mₜ/(1−β₁ᵗ),
/// v̂ = vₜ/(1−β₂ᵗ), θ ← θ − α·m̂/(√v̂ + ε). With `amsgrad`, v̂ uses the running
/// maximum of the second moment.
///
/// Conventions: `.paper` and `.optax` compute the formula above (optax's
/// AMSGrad takes the maximum of the bias-corrected v̂); `.pytorch` uses
/// PyTorch's arithmetic order; `.keras` uses the "efficient" form with ε̂ = ε
/// (default 1e−7) and Keras 3's decoupled decay θ ← θ − αλθ. See
/// ``AdamDenominator`` and ``AMSGradMaximum``.
///
/// References: Kingma & Ba 2015; Reddi et al. 2018.
public struct Adam<Scalar: BLASScalar>: HyperparameterTable {
    /// α > 0 (default 1e−3).
    public var learningRate: Scalar
    /// β₁ ∈ [0, 1) (default 0.9).
    public var beta1: Scalar
    /// β₂ ∈ [0, 1) (default 0.999).
    public var beta2: Scalar
    /// ε ≥ 0 (default 1e−8; Keras 1e−7).
    public var epsilon: Scalar
    /// λ ≥ 0, coupled L2 decay (decoupled under `.keras`).
    public var weightDecay: Scalar
    /// AMSGrad's running maximum, or `nil` for plain Adam.
    public let amsgrad: AMSGradMaximum?
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.beta1, \.beta1),
        .halfOpenUnitInterval(.beta2, \.beta2), .nonNegative(.epsilon, \.epsilon),
        .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    private var moments = AdamMoments<Scalar>()

    /// - Parameters:
    ///   - learningRate: α > 0.
    ///   - beta1: β₁ ∈ [0, 1).
    ///   - beta2: β₂ ∈ [0, 1).
    ///   - epsilon: ε ≥ 0; `nil` takes the convention's default (1e−8, Keras 1e−7).
    ///   - weightDecay: λ ≥ 0.
    ///   - amsgrad: keep the running maximum of v (AMSGrad); which maximum follows the convention.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar? = nil,
        weightDecay: Scalar = 0, amsgrad: Bool = false, convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon ?? (convention == .keras ? 1e-7 : 1e-8)
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad ? (convention == .optax ? .biasCorrected : .raw) : nil
        self.convention = convention
        try validateHyperparameters()
    }

    public var name: String { amsgrad == nil ? "Adam" : "AMSGrad" }

    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        let decoupled = convention == .keras
        let coefficients = AdamCoefficients(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            coupledDecay: decoupled ? 0 : weightDecay, decoupledFactor: decoupled ? learningRate * weightDecay : 0,
            stepScale: 1, denominator: convention.adamDenominator, amsgrad: amsgrad)
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

extension Convention {
    /// How each framework orders Adam's arithmetic.
    package var adamDenominator: AdamDenominator {
        switch self {
        case .paper, .optax: .corrected
        case .pytorch: .pytorchOrder
        case .keras: .uncorrectedEpsilon
        }
    }
}
