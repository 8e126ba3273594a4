// RMSProp (Tieleman & Hinton, Coursera lecture 6e, 2012; Goodfellow et al.
// Alg. 8.5), its centered form (Graves 2013, eqs. 38–41), heavy-ball
// momentum, and the lecture notes' RMSProp with Nesterov momentum
// (Goodfellow et al. Alg. 8.6, note 004), with a δ the algorithm lacks
// (THEORY.md §13 #26, §14 S4.3).
//
// What "the paper" means: Tieleman & Hinton's slides divide by
// √(MeanSquare) with no guard and suggest ρ = 0.9; the notes follow Goodfellow
// et al., whose Alg. 8.5 puts δ inside the root, 1/√(δ + r), with δ = 1e−6.
// Graves' centered form puts it inside the root too. Alg. 8.6 has no δ; as
// THEORY.md prescribes, Descent adds it outside the root there, ε/(√r + δ).

import DescentLinalg

/// Where ε (δ) sits in a root-mean-square denominator.
public enum EpsilonPlacement: String, Sendable, CaseIterable {
    /// 1/√(r + ε): Goodfellow et al. Alg. 8.5, Graves, optax, Keras.
    case insideRoot
    /// 1/(√r + ε): PyTorch, Duchi et al.'s AdaGrad, the notes' AdaGrad and RMSProp slides.
    case outsideRoot
}

/// RMSProp: each coordinate's step divided by the root of a running mean of squared gradients.
///
/// With g ← ∇f(θ) + λθ (coupled L2 decay; Keras convention: decoupled):
/// - r ← ρr + (1−ρ)g²; centered: also ḡ ← ρḡ + (1−ρ)g and r is replaced by r − ḡ² below;
/// - s = g/√(r + δ) (ε inside the root) or g/(√r + δ) (outside);
/// - no momentum: θ ← θ − ηs;
/// - momentum, velocity form: v ← μv − ηs, θ ← θ + v;
/// - momentum, buffer form (PyTorch): b ← μb + s, θ ← θ − ηb;
/// - Nesterov (Alg. 8.6): θ̃ = θ + μv, g = ∇f(θ̃), then the velocity-form step
///   with s = g/(√r + δ). Needs `step(_:gradientAt:)`.
///
/// | convention | δ placement | ρ | ε | momentum state | Nesterov |
/// |---|---|---|---|---|---|
/// | `.paper` | inside (Alg. 8.5; Alg. 8.6: outside) | 0.9 | 1e−6 | velocity | look-ahead (Alg. 8.6) |
/// | `.pytorch` | outside | 0.99 | 1e−8 | buffer b ← μb + s | none (throws) |
/// | `.optax` | inside (`eps_in_sqrt=True`) | 0.9 | 1e−8 | velocity (`trace` of −ηs) | reformulated (`trace(nesterov=True)`) |
/// | `.keras` | inside | 0.9 | 1e−7 | velocity (m = −v) | none (throws) |
///
/// All accumulators start at 0 (optax's `initial_scale = 0`, no bias
/// correction). Under `.paper` a centered variance r − ḡ² that rounds below 0
/// is taken as 0; the frameworks take the root of what they get.
/// Under `.keras` λ is Keras 3's decoupled decay θ ← θ − ηλθ before the step.
///
/// References: Tieleman & Hinton 2012; Graves 2013, arXiv 1308.0850, §4;
/// Goodfellow, Bengio & Courville 2016, Alg. 8.5 and 8.6.
public struct RMSProp<Scalar: BLASScalar>: HyperparameterTable {
    /// η ≥ 0 (default 0.01).
    public var learningRate: Scalar
    /// ρ ∈ [0, 1), the decay rate of the running means.
    public var decay: Scalar
    /// δ ≥ 0, the denominator guard.
    public var epsilon: Scalar
    /// μ ∈ [0, 1); 0 is plain RMSProp.
    public var momentum: Scalar
    /// λ ≥ 0, coupled L2 decay (decoupled under `.keras`).
    public var weightDecay: Scalar
    /// Whether r − ḡ² (a variance) replaces r (Graves' centered form).
    public let centered: Bool
    /// How Nesterov momentum is computed, or `nil` for none: `.lookAhead`
    /// (Alg. 8.6) under `.paper`, `.reformulated` under `.optax`.
    public let nesterov: NesterovForm?
    /// Where δ sits in the denominator (for Alg. 8.6 under `.paper`: outside).
    public let epsilonPlacement: EpsilonPlacement
    /// Velocity form, or PyTorch's buffer form.
    public let momentumForm: MomentumForm
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.decay, \.decay),
        .nonNegative(.epsilon, \.epsilon), .halfOpenUnitInterval(.momentum, \.momentum),
        .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    /// r, one per parameter.
    private var meanSquare: [Matrix<Scalar>] = []
    /// ḡ (centered form only).
    private var meanGradient: [Matrix<Scalar>] = []
    /// v or b, created when momentum is first used.
    private var momentumState: [Matrix<Scalar>] = []

    /// - Parameters:
    ///   - learningRate: η ≥ 0.
    ///   - decay: ρ ∈ [0, 1); `nil` takes the convention's (0.9; PyTorch 0.99).
    ///   - epsilon: δ ≥ 0; `nil` takes the convention's (1e−6; PyTorch and optax 1e−8; Keras 1e−7).
    ///   - momentum: μ ∈ [0, 1).
    ///   - centered: divide by the root of the variance r − ḡ² instead of r.
    ///   - nesterov: Nesterov momentum (needs μ > 0): Alg. 8.6's look-ahead
    ///     form under `.paper`, optax's reformulated form under `.optax`.
    ///   - weightDecay: λ ≥ 0.
    ///   - convention: `.paper` by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of
    ///   range, Nesterov without momentum, or Nesterov under `.pytorch` or
    ///   `.keras` (neither framework has it for RMSProp).
    public init(
        learningRate: Scalar = 0.01, decay: Scalar? = nil, epsilon: Scalar? = nil, momentum: Scalar = 0,
        centered: Bool = false, nesterov: Bool = false, weightDecay: Scalar = 0, convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.decay = decay ?? (convention == .pytorch ? 0.99 : 0.9)
        self.epsilon =
            epsilon
            ?? {
                switch convention {
                case .paper: 1e-6
                case .pytorch, .optax: 1e-8
                case .keras: 1e-7
                }
            }()
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.centered = centered
        self.convention = convention
        self.momentumForm = convention == .pytorch ? .buffer : .velocity
        switch (nesterov, convention) {
        case (false, _): self.nesterov = nil
        case (true, .paper): self.nesterov = .lookAhead
        case (true, .optax): self.nesterov = .reformulated
        case (true, .pytorch), (true, .keras):
            throw .invalidHyperparameter(
                optimizer: "RMSProp", name: "nesterov", value: 1,
                requirement: "false under the \(convention) convention (its RMSprop has no Nesterov option)")
        }
        self.epsilonPlacement =
            switch convention {
            case .paper: nesterov ? .outsideRoot : .insideRoot
            case .pytorch: .outsideRoot
            case .optax, .keras: .insideRoot
            }
        try validateHyperparameters()
        if nesterov, momentum == 0 {
            throw .invalidHyperparameter(
                optimizer: name, name: "momentum", value: 0, requirement: "> 0 when Nesterov momentum is on")
        }
    }

    public var name: String { "RMSProp" }

    // MARK: - Updates

    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        if nesterov == .lookAhead, momentum > 0 {
            // Alg. 8.6 takes the gradient at θ + μv; only `step` can choose that point.
            throw .incompatibleState(
                optimizer: name,
                reason:
                    "RMSProp with Nesterov momentum (Alg. 8.6) needs step(_:gradientAt:) to choose where the gradient is taken")
        }
        try apply(&parameters, gradients, lookAhead: false)
    }

    public mutating func step(
        _ parameters: inout [Matrix<Scalar>], gradientAt gradient: ([Matrix<Scalar>]) throws -> [Matrix<Scalar>]
    ) throws {
        guard nesterov == .lookAhead, momentum > 0 else {
            let gradients = try gradient(parameters)
            try apply(&parameters, gradients, lookAhead: false)
            return
        }
        try prepareBuffers(&momentumState, like: parameters)
        // θ̃ = θ + μv.
        let mu = momentum, lambda = weightDecay
        var lookAhead = parameters
        for index in lookAhead.indices {
            lookAhead[index].formCombination(with: momentumState[index]) { w, v in w + mu * v }
        }
        var gradients = try gradient(lookAhead)
        try requireMatching(parameters, gradients)
        // The L2 term is part of the objective, so its gradient is taken at θ̃ too.
        if lambda != 0 {
            for index in gradients.indices {
                gradients[index].formCombination(with: lookAhead[index]) { g, w in g + lambda * w }
            }
        }
        try apply(&parameters, gradients, lookAhead: true)
    }

    /// One update from `gradients`. With `lookAhead` the gradients were taken
    /// at θ + μv and already include the L2 term; the step is then the
    /// velocity-form heavy-ball step of Alg. 8.6.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    private mutating func apply(
        _ parameters: inout [Matrix<Scalar>], _ gradients: [Matrix<Scalar>], lookAhead: Bool
    ) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        try prepareBuffers(&meanSquare, like: parameters)
        if centered { try prepareBuffers(&meanGradient, like: parameters) }
        let useMomentum = momentum > 0
        if useMomentum { try prepareBuffers(&momentumState, like: parameters) }
        stepCount += 1
        let kernel = RMSPropKernel(
            learningRate: learningRate, decay: decay, epsilon: epsilon, momentum: momentum,
            coupledDecay: (lookAhead || convention == .keras) ? 0 : weightDecay,
            decoupledDecay: convention == .keras ? weightDecay : 0,
            inside: epsilonPlacement == .insideRoot, form: momentumForm,
            reformulated: nesterov == .reformulated, convention: convention)
        let centered = centered
        for index in parameters.indices {
            withElements(&parameters[index], gradients[index], &meanSquare[index]) { w, g, r in
                withElements(of: &meanGradient, at: index, if: centered) { mean in
                    withElements(of: &momentumState, at: index, if: useMomentum) { v in kernel.pass(w, g, r, mean, v) }
                }
            }
        }
    }

    // MARK: - State

    /// r; ḡ only when centered; v (or b) only once momentum has been used. Nothing
    /// before the first update, even if a look-ahead step created v and then failed.
    public func state() -> OptimizerState<Scalar> {
        guard !meanSquare.isEmpty else { return baseState() }
        return baseState(
            buffers: ["meanSquare": meanSquare, "meanGradient": meanGradient, momentumForm.rawValue: momentumState])
    }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        var slots = ["meanSquare"]
        if centered { slots.append("meanGradient") }
        // A state saved before momentum was first used has no momentum buffer (it is zero).
        if state.buffers[momentumForm.rawValue] != nil { slots.append(momentumForm.rawValue) }
        try validate(state, slots: slots)
        meanSquare = state.buffers["meanSquare"] ?? []
        meanGradient = state.buffers["meanGradient"] ?? []
        momentumState = state.buffers[momentumForm.rawValue] ?? []
        stepCount = state.stepCount
    }
}

// MARK: - Fused kernel

/// The per-element RMSProp arithmetic, in each framework's order.
private struct RMSPropKernel<Scalar: BLASScalar> {
    let learningRate, decay, epsilon, momentum, coupledDecay, decoupledDecay: Scalar
    let inside: Bool
    let form: MomentumForm
    let reformulated: Bool
    let convention: Convention

    func pass(
        _ w: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>,
        _ r: UnsafeMutableBufferPointer<Scalar>, _ mean: UnsafeMutableBufferPointer<Scalar>?,
        _ v: UnsafeMutableBufferPointer<Scalar>?
    ) {
        let eta = learningRate, rho = decay, eps = epsilon, mu = momentum
        let keep = 1 - rho
        let lambda = coupledDecay, decoupled = decoupledDecay != 0
        let pytorch = convention == .pytorch, optax = convention == .optax, paper = convention == .paper
        for i in w.indices {
            if decoupled { w[i] -= w[i] * decoupledDecay * eta }
            let gi = g[i] + lambda * w[i]
            r[i] = rho * r[i] + keep * gi * gi
            var square = r[i]
            if let mean {
                // PyTorch: ḡ.lerp_(g, 1 − ρ), which is ḡ + (1−ρ)(g − ḡ) for 1 − ρ < ½.
                if pytorch {
                    mean[i] = keep < 0.5 ? mean[i] + keep * (gi - mean[i]) : gi - (gi - mean[i]) * rho
                } else {
                    mean[i] = rho * mean[i] + keep * gi
                }
                square = r[i] - mean[i] * mean[i]
                if paper { square = Swift.max(square, 0) }
            }
            let denominator = inside ? (square + eps).squareRoot() : square.squareRoot() + eps
            // optax multiplies g by the reciprocal root; the others divide η·g by the root.
            let increment = optax ? eta * (1 / denominator * gi) : eta * gi / denominator
            guard let v else {
                w[i] -= increment
                continue
            }
            switch form {
            case .velocity:
                v[i] = mu * v[i] - increment
                w[i] += reformulated ? mu * v[i] - increment : v[i]
            case .buffer:
                v[i] = mu * v[i] + gi / denominator
                w[i] -= eta * v[i]
            }
        }
    }
}

/// Calls `body` with the elements of `buffers[index]`, or with `nil` when `condition` is false.
private func withElements<Scalar: BLASScalar>(
    of buffers: inout [Matrix<Scalar>], at index: Int, if condition: Bool,
    _ body: (UnsafeMutableBufferPointer<Scalar>?) -> Void
) {
    guard condition else { return body(nil) }
    buffers[index].withUnsafeMutableElements { body($0) }
}
