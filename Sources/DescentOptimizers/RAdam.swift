// RAdam (Liu, Jiang, He, Chen, Liu, Gao & Han, "On the Variance of the
// Adaptive Learning Rate and Beyond", ICLR 2020, Alg. 2): Adam whose adaptive
// step is switched on only once the variance of √v̂ is tractable, and then
// scaled by the rectification term rₜ.
//
// Sources read for the conventions: torch/optim/radam.py (torch 2.13),
// optax/_src/transform.py `scale_by_radam` (optax 0.2.8),
// tensorflow_addons/optimizers/rectified_adam.py (Keras 3 has no RAdam).

import DescentLinalg

/// Rectified Adam.
///
/// With g ← ∇f + λw (coupled L2, or decoupled w ← w(1 − ηλ) before the step
/// when `decoupledWeightDecay` is on), Adam's moments mₜ, vₜ and m̂ₜ = mₜ/(1−β₁ᵗ):
/// - ρ∞ = 2/(1−β₂) − 1, ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ) (the length of the approximated
///   simple moving average; ρ₁ = 1 and ρₜ grows by about 1 per step early on);
/// - when ρₜ exceeds the threshold: rₜ = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)) and
///   w ← w − η·rₜ·m̂ₜ/(√v̂ₜ + ε), v̂ₜ = vₜ/(1−β₂ᵗ);
/// - otherwise the un-adapted momentum step w ← w − η·m̂ₜ.
///
/// Conventions:
/// - `.paper`: Alg. 2's test ρₜ > 4 (so with β₂ = 0.999 the adaptive step starts
///   at t = 5). Alg. 2 has no ε (l = √((1−β₂ᵗ)/vₜ)); Descent adds Adam's ε to √v̂.
/// - `.pytorch`: ρₜ > 5 (first adaptive step t = 6) and ε added to the
///   uncorrected √vₜ: w ← w − η·rₜ·m̂ₜ·√(1−β₂ᵗ)/(√vₜ + ε).
/// - `.optax`: ρₜ ≥ 5, ε added to √v̂ₜ (as `.paper`).
/// - `.keras`: Keras 3 has no RAdam; this follows TF-Addons' `RectifiedAdam`
///   (the Keras 2 implementation): ρₜ ≥ 5, ε = 1e−7 added to √v̂ₜ, and decoupled
///   lr-scaled decay w ← w − η(step + λw).
///
/// References: Liu et al. 2020; Kingma & Ba 2015.
public struct RAdam<Scalar: BLASScalar>: HyperparameterTable {
    /// η ≥ 0 (default 1e−3).
    public var learningRate: Scalar
    /// β₁ ∈ [0, 1).
    public var beta1: Scalar
    /// β₂ ∈ [0, 1) (β₂ = 0 leaves ρ∞ = 1 and the adaptive step never starts).
    public var beta2: Scalar
    /// ε ≥ 0 (default 1e−8; Keras 1e−7).
    public var epsilon: Scalar
    /// λ ≥ 0: coupled L2, or decoupled when `decoupledWeightDecay` is on.
    public var weightDecay: Scalar
    /// w ← w(1 − ηλ) before the step instead of g ← g + λw (PyTorch's
    /// `decoupled_weight_decay`; always on for Keras).
    public let decoupledWeightDecay: Bool
    /// The value ρₜ must exceed (4 in the paper, 5 in the frameworks).
    public let threshold: Scalar
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.beta1, \.beta1),
        .halfOpenUnitInterval(.beta2, \.beta2), .nonNegative(.epsilon, \.epsilon),
        .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    /// m and v, one of each per parameter.
    private var moments = BufferPair<Scalar>("firstMoment", "secondMoment")

    /// - Parameters:
    ///   - learningRate: η ≥ 0.
    ///   - beta1: β₁ ∈ [0, 1).
    ///   - beta2: β₂ ∈ [0, 1).
    ///   - epsilon: ε ≥ 0; `nil` takes the convention's default (1e−8, Keras 1e−7).
    ///   - weightDecay: λ ≥ 0.
    ///   - decoupledWeightDecay: `nil` takes the convention's (on for Keras only).
    ///   - threshold: ≥ 4 (below 4 the rectification term is not real); `nil`
    ///     takes the convention's (4 for `.paper`, 5 otherwise).
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar = 1e-3, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar? = nil,
        weightDecay: Scalar = 0, decoupledWeightDecay: Bool? = nil, threshold: Scalar? = nil,
        convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon ?? (convention == .keras ? 1e-7 : 1e-8)
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay ?? (convention == .keras)
        self.threshold = threshold ?? (convention == .paper ? 4 : 5)
        self.convention = convention
        try validateHyperparameters()
        try require(self.threshold, for: "threshold", "finite and ≥ 4") { $0 >= 4 }
    }

    public var name: String { "RAdam" }

    // MARK: - Rectification

    /// ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ) at step `t` ≥ 1 with the current β₂.
    ///
    /// Computed in `Double` for every `Scalar`: ρₜ is a difference of two
    /// numbers near ρ∞ (≈ 2000 at β₂ = 0.999), which in `Float` would leave
    /// only about 4 correct digits in rₜ (PyTorch also does this scalar work in double).
    public func smaLength(atStep t: Int) -> Scalar { Scalar(Self.smaLength(beta2: Double(beta2), step: t)) }

    private static func smaLength(beta2: Double, step t: Int) -> Double {
        let power = Double.pow(beta2, Double(t))
        let limit = 2 / (1 - beta2) - 1
        return limit - 2 * Double(t) * power / (1 - power)
    }

    /// rₜ at step `t` ≥ 1, or `nil` when ρₜ does not pass the threshold and the
    /// step is the un-adapted w ← w − η·m̂ₜ.
    public func rectification(atStep t: Int) -> Scalar? {
        let beta2 = Double(self.beta2), threshold = Double(self.threshold)
        let rho = Self.smaLength(beta2: beta2, step: t)
        // optax and TF-Addons compare with ≥, PyTorch and the paper with >.
        let passes = (convention == .optax || convention == .keras) ? rho >= threshold : rho > threshold
        guard passes else { return nil }
        let limit = 2 / (1 - beta2) - 1
        return Scalar(((rho - 4) * (rho - 2) * limit / ((limit - 4) * (limit - 2) * rho)).squareRoot())
    }

    // MARK: - Updates

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try moments.prepare(like: parameters)
        let t = stepCount + 1
        let eta = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        let correction1 = 1 - Scalar.pow(b1, Scalar(t))
        let correction2 = 1 - Scalar.pow(b2, Scalar(t))
        let rectification = rectification(atStep: t)
        // PyTorch adds ε to the uncorrected √v: √(1−β₂ᵗ)/(√v + ε).
        let pytorchOrder = convention == .pytorch
        let root2 = correction2.squareRoot()
        let coupled = decoupledWeightDecay ? 0 : weightDecay
        let keep = decoupledWeightDecay ? 1 - eta * weightDecay : 1
        for index in parameters.indices {
            moments.withElements(at: index, &parameters, gradients) { w, g, m, v in
                for i in w.indices {
                    let gi = g[i] + coupled * w[i]
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    let mHat = m[i] / correction1
                    let delta: Scalar
                    if let r = rectification {
                        let adaptive =
                            pytorchOrder
                            ? root2 / (v[i].squareRoot() + eps) : 1 / ((v[i] / correction2).squareRoot() + eps)
                        delta = mHat * eta * adaptive * r
                    } else {
                        delta = eta * mHat
                    }
                    w[i] = w[i] * keep - delta
                }
            }
        }
        stepCount = t
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> { baseState(buffers: moments.buffers) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: moments.slots)
        moments.restore(from: state)
        stepCount = state.stepCount
    }
}
