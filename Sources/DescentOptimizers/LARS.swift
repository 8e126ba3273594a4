// LARS (You, Gitman & Ginsburg, "Large Batch Training of Convolutional
// Networks", arXiv 1708.03888, Alg. 1): momentum SGD whose step for each
// tensor ("layer") is scaled by a trust ratio ‖w‖/‖∇L‖, so that every layer
// moves by about the same fraction of its norm. THEORY.md §12 holds the test values.
//
// Sources read for the conventions: optax/_src/alias.py `lars`,
// transform.py `scale_by_trust_ratio`, transforms/_accumulation.py `trace`
// (optax 0.2.8); timm/optim/lars.py (PyTorch has no LARS; timm's is the common
// port). Keras 3 has no LARS.

import DescentLinalg

/// Layer-wise adaptive rate scaling over momentum SGD.
///
/// For each parameter tensor w with gradient g (the notes' Alg. 1, with the
/// velocity stored as SGD's, so that w ← w + v):
/// - λ = η_trust·‖w‖/(‖g‖ + β‖w‖ + ε), the local rate; λ = 1 when ‖w‖ = 0 or ‖g‖ = 0;
/// - v ← μv − γ·λ·(g + βw), w ← w + v.
///
/// When g ∥ w the step has norm γ·η_trust·‖w‖ exactly (at ε = 0, first step).
/// Exclude biases and normalization parameters from adaptation and decay with a
/// parameter group, or with `layerAdaptation: false` (λ = 1; optax's `trust_ratio_mask`).
///
/// Conventions:
/// - `.paper` and `.keras` (Keras 3 has no LARS): as above, ε = 0.
/// - `.pytorch`: timm's `Lars` (with `always_adapt=True` or a non-zero decay):
///   the same λ with ε = 1e−8 by default, and PyTorch's buffer form
///   b ← μb + λ(g + βw), w ← w − γb, which differs from the velocity form only
///   when γ changes. (timm skips adaptation entirely when β = 0 unless
///   `always_adapt`; use `layerAdaptation: false` to reproduce that.)
/// - `.optax`: `optax.lars` normalises by the decayed gradient:
///   λ = η_trust‖w‖/(‖g + βw‖ + ε), with λ = 1 when ‖w‖ = 0 or ‖g + βw‖ = 0,
///   then velocity v ← μv − γλ(g + βw) (`trace` after the learning rate).
///
/// With `nesterov`, the step is the reformulated Nesterov form of ``SGD``:
/// w ← w + μv − γλu (velocity) or w ← w − γ(λu + μb) (buffer), u = g + βw.
///
/// References: You, Gitman & Ginsburg 2017.
public struct LARS<Scalar: BLASScalar>: HyperparameterTable {
    /// γ ≥ 0, the global learning rate.
    public var learningRate: Scalar
    /// μ ∈ [0, 1) (default 0.9).
    public var momentum: Scalar
    /// β ≥ 0, the weight decay inside the trust ratio and the step.
    public var weightDecay: Scalar
    /// η_trust ≥ 0 (default 1e−3).
    public var trustCoefficient: Scalar
    /// ε ≥ 0 in the trust ratio's denominator.
    public var epsilon: Scalar
    /// Nesterov momentum in the reformulated form.
    public let nesterov: Bool
    /// `false` uses λ = 1 for every tensor (plain momentum SGD with decay).
    public let layerAdaptation: Bool
    /// Velocity (paper, optax) or buffer (PyTorch ports) storage.
    public let momentumForm: MomentumForm
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.momentum, \.momentum),
        .nonNegative(.weightDecay, \.weightDecay), .nonNegative(.trustCoefficient, \.trustCoefficient),
        .nonNegative(.epsilon, \.epsilon),
    ]

    public private(set) var stepCount = 0
    /// λ for each tensor in the last update (empty before the first).
    public private(set) var trustRatios: [Scalar] = []
    private var momentumState: [Matrix<Scalar>] = []

    /// - Parameters:
    ///   - learningRate: γ ≥ 0.
    ///   - momentum: μ ∈ [0, 1).
    ///   - weightDecay: β ≥ 0.
    ///   - trustCoefficient: η_trust ≥ 0.
    ///   - epsilon: ε ≥ 0; `nil` takes the convention's (0; timm's 1e−8 for `.pytorch`).
    ///   - nesterov: reformulated Nesterov momentum (optax's and timm's `nesterov`).
    ///   - layerAdaptation: `false` fixes λ = 1.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar, momentum: Scalar = 0.9, weightDecay: Scalar = 0, trustCoefficient: Scalar = 1e-3,
        epsilon: Scalar? = nil, nesterov: Bool = false, layerAdaptation: Bool = true, convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.trustCoefficient = trustCoefficient
        self.epsilon = epsilon ?? (convention == .pytorch ? 1e-8 : 0)
        self.nesterov = nesterov
        self.layerAdaptation = layerAdaptation
        self.momentumForm = convention == .pytorch ? .buffer : .velocity
        self.convention = convention
        try validateHyperparameters()
    }

    public var name: String { "LARS" }

    // MARK: - Updates

    /// λ for one tensor, from ‖w‖, ‖g‖ and ‖g + βw‖.
    private func trustRatio(weightNorm: Scalar, gradientNorm: Scalar, decayedGradientNorm: Scalar) -> Scalar {
        guard layerAdaptation else { return 1 }
        if convention == .optax {
            guard weightNorm > 0, decayedGradientNorm > 0 else { return 1 }
            return trustCoefficient * weightNorm / (decayedGradientNorm + epsilon)
        }
        guard weightNorm > 0, gradientNorm > 0 else { return 1 }
        return trustCoefficient * weightNorm / (gradientNorm + weightDecay * weightNorm + epsilon)
    }

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try prepareBuffers(&momentumState, like: parameters)
        let eta = learningRate, mu = momentum, beta = weightDecay
        let form = momentumForm, nesterov = nesterov
        var ratios: [Scalar] = []
        ratios.reserveCapacity(parameters.count)
        for index in parameters.indices {
            // Pass 1: the three norms.
            var weightSquares: Scalar = 0, gradientSquares: Scalar = 0, decayedSquares: Scalar = 0
            parameters[index].withUnsafeElements { w in
                gradients[index].withUnsafeElements { g in
                    for i in w.indices {
                        let u = g[i] + beta * w[i]
                        weightSquares += w[i] * w[i]
                        gradientSquares += g[i] * g[i]
                        decayedSquares += u * u
                    }
                }
            }
            let ratio = trustRatio(
                weightNorm: weightSquares.squareRoot(), gradientNorm: gradientSquares.squareRoot(),
                decayedGradientNorm: decayedSquares.squareRoot())
            ratios.append(ratio)
            // Pass 2: momentum and step.
            withElements(&parameters[index], gradients[index], &momentumState[index]) { w, g, v in
                for i in w.indices {
                    let scaled = ratio * (g[i] + beta * w[i])
                    switch form {
                    case .velocity:
                        let step = eta * scaled
                        v[i] = mu * v[i] - step
                        w[i] += nesterov ? mu * v[i] - step : v[i]
                    case .buffer:
                        v[i] = mu * v[i] + scaled
                        w[i] -= eta * (nesterov ? scaled + mu * v[i] : v[i])
                    }
                }
            }
        }
        trustRatios = ratios
        stepCount += 1
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> { baseState(buffers: [momentumForm.rawValue: momentumState]) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: [momentumForm.rawValue])
        momentumState = state.buffers[momentumForm.rawValue] ?? []
        stepCount = state.stepCount
        trustRatios = []
    }
}
