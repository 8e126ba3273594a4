// NAdam (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016
// workshop): Adam whose first-moment estimate looks one step ahead, with
// Dozat's warming-up momentum schedule μₜ. THEORY.md §12 holds the reference table.
//
// Sources read for the conventions: torch/optim/nadam.py (torch 2.13),
// optax/_src/transform.py `scale_by_adam(nesterov=True)` and alias.py `nadam`
// (optax 0.2.8), keras/src/optimizers/nadam.py (Keras 3.15).

import DescentLinalg

extension Hyperparameter {
    /// ψ of NAdam's momentum schedule μₜ = β₁(1 − ½·0.96^{tψ}) (PyTorch's `momentum_decay`).
    public static let momentumDecay: Hyperparameter = "momentumDecay"
}

/// NAdam: Adam with Nesterov momentum and Dozat's momentum schedule.
///
/// With g ← ∇f + λw (coupled L2, or decoupled w ← w(1 − ηλ) before the step
/// when `decoupledWeightDecay` is on):
/// - μₜ = β₁(1 − ½·0.96^{tψ}), Πₜ = μ₁μ₂⋯μₜ (kept as scalar state);
/// - mₜ = β₁mₜ₋₁ + (1−β₁)g, vₜ = β₂vₜ₋₁ + (1−β₂)g²;
/// - m̂ₜ = μₜ₊₁mₜ/(1 − Πₜ₊₁) + (1 − μₜ)g/(1 − Πₜ), v̂ₜ = vₜ/(1−β₂ᵗ);
/// - w ← w − η·m̂ₜ/(√v̂ₜ + ε).
///
/// The schedule starts at μ₁ ≈ β₁/2 (0.45 for β₁ = 0.9) and approaches β₁ only
/// after thousands of steps at ψ = 0.004: a built-in momentum warm-up.
///
/// Conventions:
/// - `.paper` and `.pytorch`: the formulas above (`torch.optim.NAdam`), ψ = 0.004,
///   η = 2e−3, ε = 1e−8.
/// - `.optax`: `optax.nadam` has no schedule: μₜ = β₁ for every t, so
///   m̂ₜ = β₁mₜ/(1 − β₁ᵗ⁺¹) + (1 − β₁)g/(1 − β₁ᵗ); ψ is kept but unused.
/// - `.keras`: `keras.optimizers.Nadam` uses μₜ = β₁(1 − ½·0.96ᵗ), which is the
///   formula above with ψ = 1 (its default here); η = 1e−3, ε = 1e−7, and the
///   decay is Keras 3's decoupled w ← w − ηλw.
///
/// Dozat's Alg. 2 also multiplies v̂ by β₂; no framework does, and neither does Descent.
///
/// References: Dozat 2016; Sutskever et al. 2013.
public struct NAdam<Scalar: BLASScalar>: HyperparameterTable {
    /// η ≥ 0 (default 2e−3; Keras 1e−3).
    public var learningRate: Scalar
    /// β₁ ∈ [0, 1): the momentum ceiling of the schedule.
    public var beta1: Scalar
    /// β₂ ∈ [0, 1).
    public var beta2: Scalar
    /// ε ≥ 0 (default 1e−8; Keras 1e−7).
    public var epsilon: Scalar
    /// ψ ≥ 0 (default 0.004; Keras's schedule is ψ = 1). ψ = 0 gives μₜ = β₁/2.
    public var momentumDecay: Scalar
    /// λ ≥ 0: coupled L2, or decoupled when `decoupledWeightDecay` is on.
    public var weightDecay: Scalar
    /// w ← w(1 − ηλ) before the step instead of g ← g + λw (PyTorch's
    /// `decoupled_weight_decay`, optax's `nadamw`; always on for Keras).
    public let decoupledWeightDecay: Bool
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.beta1, \.beta1),
        .halfOpenUnitInterval(.beta2, \.beta2), .nonNegative(.epsilon, \.epsilon),
        .nonNegative(.momentumDecay, \.momentumDecay), .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    /// Πₜ = μ₁⋯μₜ after `stepCount` updates (1 before the first).
    public private(set) var momentumProduct: Scalar = 1
    /// m and v, one of each per parameter.
    private var moments = BufferPair<Scalar>("firstMoment", "secondMoment")

    /// - Parameters:
    ///   - learningRate: η ≥ 0; `nil` takes the convention's default (2e−3, Keras 1e−3).
    ///   - beta1: β₁ ∈ [0, 1).
    ///   - beta2: β₂ ∈ [0, 1).
    ///   - epsilon: ε ≥ 0; `nil` takes the convention's default (1e−8, Keras 1e−7).
    ///   - momentumDecay: ψ ≥ 0; `nil` takes the convention's default (0.004, Keras 1).
    ///   - weightDecay: λ ≥ 0.
    ///   - decoupledWeightDecay: `nil` takes the convention's (on for Keras only).
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar? = nil, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar? = nil,
        momentumDecay: Scalar? = nil, weightDecay: Scalar = 0, decoupledWeightDecay: Bool? = nil,
        convention: Convention = .paper
    ) throws(OptimizerError) {
        let keras = convention == .keras
        self.learningRate = learningRate ?? (keras ? 1e-3 : 2e-3)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon ?? (keras ? 1e-7 : 1e-8)
        self.momentumDecay = momentumDecay ?? (keras ? 1 : 4e-3)
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay ?? keras
        self.convention = convention
        try validateHyperparameters()
    }

    public var name: String { "NAdam" }

    // MARK: - Schedule

    /// μₜ at step `t` (1-based) with the current β₁ and ψ; β₁ itself under `.optax`.
    public func momentum(atStep t: Int) -> Scalar {
        if convention == .optax { return beta1 }
        return beta1 * (1 - Scalar.pow(0.96, Scalar(t) * momentumDecay) / 2)
    }

    // MARK: - Updates

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try moments.prepare(like: parameters)
        let t = stepCount + 1
        let mu = momentum(atStep: t), muNext = momentum(atStep: t + 1)
        let product: Scalar, productNext: Scalar
        if convention == .optax {
            // optax's bias corrections 1 − β₁ᵗ and 1 − β₁ᵗ⁺¹, with powers as it computes them.
            product = Scalar.pow(beta1, Scalar(t))
            productNext = Scalar.pow(beta1, Scalar(t + 1))
        } else {
            product = momentumProduct * mu
            productNext = product * muNext
        }
        let eta = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        let correction2 = 1 - Scalar.pow(b2, Scalar(t))
        // w −= (a·g + b·m)/(√v̂ + ε): the two terms of m̂, each with its η.
        let gradientScale = eta * (1 - mu) / (1 - product)
        let momentScale = eta * muNext / (1 - productNext)
        let coupled = decoupledWeightDecay ? 0 : weightDecay
        let keep = decoupledWeightDecay ? 1 - eta * weightDecay : 1
        for index in parameters.indices {
            moments.withElements(at: index, &parameters, gradients) { w, g, m, v in
                for i in w.indices {
                    let gi = g[i] + coupled * w[i]
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    let denominator = (v[i] / correction2).squareRoot() + eps
                    w[i] = w[i] * keep - (gradientScale * gi + momentScale * m[i]) / denominator
                }
            }
        }
        momentumProduct = convention == .optax ? product : momentumProduct * mu
        stepCount = t
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> {
        baseState(scalars: ["momentumProduct": momentumProduct], buffers: moments.buffers)
    }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: moments.slots)
        guard let product = state.scalars["momentumProduct"], product.isFinite, product >= 0, product <= 1 else {
            throw .incompatibleState(optimizer: name, reason: "momentumProduct is missing or outside [0, 1]")
        }
        momentumProduct = product
        moments.restore(from: state)
        stepCount = state.stepCount
    }
}
