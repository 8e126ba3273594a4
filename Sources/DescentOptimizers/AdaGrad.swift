// AdaGrad (Duchi, Hazan & Singer, JMLR 2011; Goodfellow et al. Alg. 8.4):
// each coordinate's step divided by the root of its summed squared gradients.
//
// Frameworks differ in where ε goes (outside or inside the root), in the
// accumulator's starting value (0 or 0.1), in ε's default and in PyTorch's
// lr_decay. THEORY.md §6 holds the diagonal-versus-rotated test values.

import DescentLinalg

extension Hyperparameter {
    /// PyTorch's `lr_decay` d of AdaGrad: the step at update t uses η/(1 + (t−1)d).
    public static let learningRateDecay: Hyperparameter = "learningRateDecay"
}

/// AdaGrad: a per-coordinate step η/(δ + √r), with r the sum of all squared gradients so far.
///
/// With g ← ∇f(θ) + λθ (coupled L2 decay; Keras convention: decoupled, see below):
/// r ← r + g ⊙ g, θ ← θ − η·g/(δ + √r). The effective step of a coordinate
/// falls like 1/√t, fastest where gradients are large, so the method removes
/// the conditioning of an axis-aligned quadratic but not of a rotated one (THEORY.md §6).
///
/// Conventions (r₀ is the accumulator's starting value):
///
/// | convention | step | r₀ | ε default | decay |
/// |---|---|---|---|---|
/// | `.paper` | η·g/(δ + √r) | 0 | 1e−7 | coupled |
/// | `.pytorch` | ηₜ·g/(√r + ε), ηₜ = η/(1 + (t−1)·lr_decay) | 0 | 1e−10 | coupled |
/// | `.optax` | η·g/√(r + ε), 0 where r = 0 | 0.1 | 1e−7 | coupled (`add_decayed_weights`) |
/// | `.keras` | η·g/√(r + ε) | 0.1 | 1e−7 | decoupled θ ← θ − ηλθ |
///
/// Under `.paper` a coordinate whose denominator is 0 (δ = 0 and no nonzero
/// gradient yet) does not move; `learningRateDecay` is allowed there too (it
/// is PyTorch's), but optax and Keras have no such option.
///
/// References: Duchi, Hazan & Singer 2011, §1.1; Goodfellow, Bengio & Courville 2016, Alg. 8.4.
public struct AdaGrad<Scalar: BLASScalar>: HyperparameterTable {
    /// η ≥ 0 (default 0.01).
    public var learningRate: Scalar
    /// δ ≥ 0, the denominator guard (where it goes depends on the convention).
    public var epsilon: Scalar
    /// r₀ ≥ 0, the starting value of every accumulator (used when the state is created).
    public let initialAccumulator: Scalar
    /// d ≥ 0: the step at update t uses η/(1 + (t−1)d) (PyTorch's `lr_decay`).
    public var learningRateDecay: Scalar
    /// λ ≥ 0, coupled L2 decay (decoupled under `.keras`).
    public var weightDecay: Scalar
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges (d = 0 under `.optax` and `.keras`).
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>]

    public private(set) var stepCount = 0
    /// r, one per parameter.
    private var sumOfSquares: [Matrix<Scalar>] = []

    /// - Parameters:
    ///   - learningRate: η ≥ 0.
    ///   - epsilon: δ ≥ 0; `nil` takes the convention's default (1e−7; PyTorch 1e−10).
    ///   - initialAccumulator: r₀ ≥ 0; `nil` takes the convention's (0; optax and Keras 0.1).
    ///   - learningRateDecay: d ≥ 0; must be 0 under `.optax` and `.keras`.
    ///   - weightDecay: λ ≥ 0.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range
    ///   or an option the convention's framework does not have.
    public init(
        learningRate: Scalar = 0.01, epsilon: Scalar? = nil, initialAccumulator: Scalar? = nil,
        learningRateDecay: Scalar = 0, weightDecay: Scalar = 0, convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.epsilon =
            epsilon
            ?? {
                switch convention {
                case .pytorch: 1e-10
                case .paper, .optax, .keras: 1e-7
                }
            }()
        let accumulator = initialAccumulator ?? ((convention == .optax || convention == .keras) ? 0.1 : 0)
        self.initialAccumulator = accumulator
        self.learningRateDecay = learningRateDecay
        self.weightDecay = weightDecay
        self.convention = convention
        // optax and Keras have no lr_decay: there it must stay 0.
        let decayRule: HyperparameterRule<Self, Scalar> =
            convention == .optax || convention == .keras
            ? HyperparameterRule(
                .learningRateDecay, \.learningRateDecay,
                requirement: "0 under the \(convention) convention (it has no lr_decay; use a schedule)"
            ) { $0 == 0 }
            : .nonNegative(.learningRateDecay, \.learningRateDecay)
        self.hyperparameterRules = [
            .nonNegative(.learningRate, \.learningRate), .nonNegative(.epsilon, \.epsilon), decayRule,
            .nonNegative(.weightDecay, \.weightDecay),
        ]
        guard accumulator.isFinite, accumulator >= 0 else {
            throw .invalidHyperparameter(
                optimizer: name, name: "initialAccumulator", value: Double(accumulator), requirement: "finite and ≥ 0")
        }
        try validateHyperparameters()
    }

    public var name: String { "AdaGrad" }

    // MARK: - Update

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        let fresh = sumOfSquares.isEmpty
        try prepareBuffers(&sumOfSquares, like: parameters)
        if fresh, initialAccumulator != 0 {
            let start = initialAccumulator
            for index in sumOfSquares.indices {
                sumOfSquares[index].withUnsafeMutableElements { r in r.update(repeating: start) }
            }
        }
        stepCount += 1
        let eta = learningRate / (1 + Scalar(stepCount - 1) * learningRateDecay)
        let delta = epsilon, lambda = weightDecay
        let convention = convention
        for index in parameters.indices {
            withElements(&parameters[index], gradients[index], &sumOfSquares[index]) { w, g, r in
                switch convention {
                case .paper:
                    for i in w.indices {
                        let gi = g[i] + lambda * w[i]
                        r[i] += gi * gi
                        let denominator = delta + r[i].squareRoot()
                        if denominator > 0 { w[i] -= eta * gi / denominator }
                    }
                case .pytorch:
                    for i in w.indices {
                        let gi = g[i] + lambda * w[i]
                        r[i] += gi * gi
                        w[i] += -eta * gi / (r[i].squareRoot() + delta)
                    }
                case .optax:
                    for i in w.indices {
                        let gi = g[i] + lambda * w[i]
                        r[i] = gi * gi + r[i]
                        // optax.scale_by_rss: 0 where the sum is 0, else g/√(r + ε).
                        let scaled = r[i] > 0 ? 1 / (r[i] + delta).squareRoot() * gi : 0
                        w[i] += -eta * scaled
                    }
                case .keras:
                    for i in w.indices {
                        w[i] -= w[i] * lambda * eta
                        r[i] += g[i] * g[i]
                        w[i] -= eta * g[i] / (r[i] + delta).squareRoot()
                    }
                }
            }
        }
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> { baseState(buffers: ["sumOfSquares": sumOfSquares]) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: ["sumOfSquares"])
        sumOfSquares = state.buffers["sumOfSquares"] ?? []
        stepCount = state.stepCount
    }
}
