// Stochastic gradient descent with heavy-ball or Nesterov momentum, in the
// lecture notes' velocity form and in PyTorch's buffer form.
//
// Sources: Polyak 1964 (heavy ball); Nesterov 1983; Sutskever et al. 2013
// (the look-ahead form); Goodfellow et al. Alg. 8.1–8.3; THEORY.md §§2–3.

import DescentLinalg

/// How the momentum state is stored. The two forms give the same iterates at a
/// constant learning rate and differ when η changes (a schedule).
public enum MomentumForm: String, Sendable, CaseIterable {
    /// The notes' and Keras's form: v ← μv − η(1−d)g, then w ← w + v. A change
    /// of η affects only new gradients.
    case velocity
    /// PyTorch's and optax's form: b ← μb + (1−d)g, then w ← w − ηb. A change
    /// of η rescales the whole accumulated buffer (v = −ηb at constant η).
    case buffer
}

/// How Nesterov's accelerated gradient is computed.
public enum NesterovForm: String, Sendable, CaseIterable {
    /// The notes' form (S4, Sutskever et al.): evaluate the gradient at the
    /// look-ahead point w̃ = w + μv, then v ← μv − ηg(w̃), w ← w + v (coupled
    /// decay adds λw̃, the L2 term's gradient at the same point). Needs
    /// `step(_:gradientAt:)`; `update(_:with:)` throws because it cannot choose the point.
    case lookAhead
    /// The reformulated form PyTorch, optax and Keras use, in the variable
    /// y = w + μv: the gradient at the stored parameters, then (buffer form)
    /// b ← μb + g, w ← w − η(g + μb), or (velocity form) v ← μv − ηg,
    /// w ← w + μv − ηg. Its iterates are the look-ahead form's w̃ at constant η.
    case reformulated
}

/// Gradient descent with optional momentum, Nesterov acceleration, dampening
/// and coupled L2 weight decay.
///
/// With g ← ∇f(w) + λw (coupled decay; Keras convention: decoupled, see below):
/// - plain: w ← w − ηg;
/// - heavy ball, velocity form: v ← μv − η(1−d)g, w ← w + v;
/// - heavy ball, buffer form (PyTorch): b ← μb + (1−d)g (b₁ = g), w ← w − ηb.
///
/// Conventions: `.paper` uses the velocity form (the notes, Polyak);
/// `.pytorch` the buffer form with b₁ = g (no dampening on the first step);
/// `.optax` the buffer form from b₀ = 0 (`optax.trace`); `.keras` the velocity
/// form with Keras 3's decoupled weight decay w ← w − ηλw applied before the step.
public struct SGD<Scalar: BLASScalar>: HyperparameterTable {
    /// η > 0.
    public var learningRate: Scalar
    /// μ ∈ [0, 1); 0 is plain gradient descent.
    public var momentum: Scalar
    /// d ∈ [0, 1]: the fraction of each gradient left out of the momentum state.
    public var dampening: Scalar
    /// λ ≥ 0, coupled L2 decay (decoupled under `.keras`).
    public var weightDecay: Scalar
    /// Nesterov acceleration, or `nil` for heavy ball.
    public let nesterov: NesterovForm?
    /// Velocity or buffer form of the momentum state.
    public let momentumForm: MomentumForm
    /// The framework whose arithmetic is followed.
    public let convention: Convention

    /// The hyperparameters: names, stored properties and ranges.
    public let hyperparameterRules: [HyperparameterRule<Self, Scalar>] = [
        .nonNegative(.learningRate, \.learningRate), .halfOpenUnitInterval(.momentum, \.momentum),
        .closedUnitInterval(.dampening, \.dampening), .nonNegative(.weightDecay, \.weightDecay),
    ]

    public private(set) var stepCount = 0
    /// v (velocity form) or b (buffer form), one per parameter.
    private var momentumState: [Matrix<Scalar>] = []

    /// - Parameters:
    ///   - learningRate: η > 0.
    ///   - momentum: μ ∈ [0, 1).
    ///   - dampening: d ∈ [0, 1] (PyTorch's; 0 elsewhere).
    ///   - weightDecay: λ ≥ 0.
    ///   - nesterov: `nil` (heavy ball), `.lookAhead` or `.reformulated`.
    ///   - convention: `.paper` (velocity form) by default.
    /// - Throws: `OptimizerError.invalidHyperparameter` for values out of range.
    public init(
        learningRate: Scalar, momentum: Scalar = 0, dampening: Scalar = 0, weightDecay: Scalar = 0,
        nesterov: NesterovForm? = nil, convention: Convention = .paper
    ) throws(OptimizerError) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.convention = convention
        self.momentumForm = (convention == .pytorch || convention == .optax) ? .buffer : .velocity
        try validateHyperparameters()
        if nesterov != nil, momentum == 0 {
            throw .invalidHyperparameter(
                optimizer: name, name: "momentum", value: 0, requirement: "> 0 when Nesterov acceleration is on")
        }
    }

    public var name: String { nesterov == nil ? (momentum == 0 ? "SGD" : "SGD+momentum") : "SGD+Nesterov" }

    // MARK: - Updates

    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        if nesterov == .lookAhead, momentum > 0 {
            // The gradient must come from the look-ahead point; only `step` can provide it.
            throw .incompatibleState(
                optimizer: name, reason: "the look-ahead Nesterov form needs step(_:gradientAt:) to choose where the gradient is taken")
        }
        try apply(&parameters, gradients)
    }

    public mutating func step(
        _ parameters: inout [Matrix<Scalar>], gradientAt gradient: ([Matrix<Scalar>]) throws -> [Matrix<Scalar>]
    ) throws {
        guard nesterov == .lookAhead, momentum > 0 else {
            let gradients = try gradient(parameters)
            try apply(&parameters, gradients)
            return
        }
        try prepareBuffers(&momentumState, like: parameters)
        // w̃ = w + μv (velocity form) or w − ημb (buffer form, v = −ηb).
        let scale = momentumForm == .velocity ? momentum : -learningRate * momentum
        var lookAhead = parameters
        for index in lookAhead.indices {
            lookAhead[index].formCombination(with: momentumState[index]) { w, v in w + scale * v }
        }
        var gradients = try gradient(lookAhead)
        try requireMatching(parameters, gradients)
        // Coupled L2 is part of the objective, so its gradient λw̃ is taken at the look-ahead point too.
        if convention != .keras, weightDecay != 0 {
            let lambda = weightDecay
            for index in gradients.indices {
                gradients[index].formCombination(with: lookAhead[index]) { g, w in g + lambda * w }
            }
        }
        try apply(&parameters, gradients, lookAhead: true)
    }

    /// The update proper; `lookAhead` makes Nesterov's look-ahead form a plain
    /// heavy-ball step with the look-ahead gradient (which then already holds λw̃).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    private mutating func apply(
        _ parameters: inout [Matrix<Scalar>], _ gradients: [Matrix<Scalar>], lookAhead: Bool = false
    ) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        let first = stepCount == 0
        stepCount += 1
        let eta = learningRate, mu = momentum, decay = weightDecay
        let keep = 1 - dampening
        let decoupled = convention == .keras
        let reformulated = nesterov == .reformulated && !lookAhead
        if mu == 0 {
            for index in parameters.indices {
                withElements(&parameters[index], gradients[index]) { w, g in
                    if decoupled {
                        for i in w.indices { w[i] = (w[i] - eta * decay * w[i]) - eta * g[i] }
                    } else {
                        for i in w.indices { w[i] -= eta * (g[i] + decay * w[i]) }
                    }
                }
            }
            return
        }
        try prepareBuffers(&momentumState, like: parameters)
        // PyTorch starts the buffer at b₁ = g (no dampening on the first step).
        let firstKeep = (convention == .pytorch && first) ? 1 : keep
        let form = momentumForm
        // Heavy ball with coupled decay, the common case, gets loops with no
        // branch inside (the general loop below does not vectorize); the
        // expressions and their order are the general loop's, so the bits agree.
        if !decoupled && !lookAhead && !reformulated {
            let step = eta * firstKeep
            for index in parameters.indices {
                withElements(&parameters[index], gradients[index], &momentumState[index]) { w, g, v in
                    if form == .velocity {
                        for i in w.indices {
                            v[i] = mu * v[i] - step * (g[i] + decay * w[i])
                            w[i] += v[i]
                        }
                    } else {
                        for i in w.indices {
                            v[i] = mu * v[i] + firstKeep * (g[i] + decay * w[i])
                            w[i] -= eta * v[i]
                        }
                    }
                }
            }
            return
        }
        for index in parameters.indices {
            withElements(&parameters[index], gradients[index], &momentumState[index]) { w, g, v in
                for i in w.indices {
                    if decoupled { w[i] -= eta * decay * w[i] }
                    let gi = (decoupled || lookAhead) ? g[i] : g[i] + decay * w[i]
                    switch form {
                    case .velocity:
                        v[i] = mu * v[i] - eta * firstKeep * gi
                        w[i] += reformulated ? mu * v[i] - eta * gi : v[i]
                    case .buffer:
                        v[i] = mu * v[i] + firstKeep * gi
                        w[i] -= eta * (reformulated ? gi + mu * v[i] : v[i])
                    }
                }
            }
        }
    }

    // MARK: - State

    public func state() -> OptimizerState<Scalar> { baseState(buffers: [momentumForm.rawValue: momentumState]) }

    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try validate(state, slots: [momentumForm.rawValue])
        momentumState = state.buffers[momentumForm.rawValue] ?? []
        stepCount = state.stepCount
    }
}
