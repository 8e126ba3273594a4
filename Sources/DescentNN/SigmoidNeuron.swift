// SigmoidNeuron: the lecture notes' one-input sigmoid neuron — the smallest
// network that shows why a sigmoid output with a quadratic cost learns slowly
// from a saturated start, and why cross-entropy does not.
//
// Gradients come from the autograd tape through the library's own `Loss`, so
// the worked example exercises the same code a real network trains with.
// Sources: the notes S0 ("The Problem of Slow Learning"); Nielsen, "Neural
// Networks and Deep Learning", ch. 3 (2015). THEORY.md §13 items 1–3.

/// One sigmoid neuron with one input: z = σ(a), a = w·x + b.
///
/// With x = 1 and target y = 0 (the notes' example) the quadratic cost
/// C = (y − z)²/2 has ∂C/∂w = ∂C/∂b = (z − y)σ′(a)x = zσ′(a), which is tiny
/// when the neuron starts saturated: from (w, b) = (2, 2), a = 4, z = 0.982 and
/// σ′(a) = 0.0177, so the gradient is 0.0173 although the output is badly wrong.
/// Cross-entropy's gradient x(σ(a) − y) = z has no σ′(a) factor: 56.6 times larger
/// there (1/σ′(4)).
///
/// ```swift
/// let start = SigmoidNeuron(weight: 2, bias: 2)
/// let path = start.gradientDescentTrajectory(
///     .quadratic, on: [.init(input: 1, target: 0)], learningRate: 0.15, epochs: 300)
/// path.last!.output(for: 1)   // 0.2028484: still far from 0 (THEORY.md §13 item 3)
/// ```
public struct SigmoidNeuron: Sendable, Hashable {
    /// The weight w.
    public var weight: Double
    /// The bias b.
    public var bias: Double

    /// The neuron σ(weight·x + bias).
    public init(weight: Double, bias: Double) {
        self.weight = weight
        self.bias = bias
    }

    /// A training example: an input x and its target y.
    public struct Example: Sendable, Hashable {
        /// The input x.
        public var input: Double
        /// The target y, in [0, 1] for the cross-entropy losses.
        public var target: Double

        /// The example (x, y).
        public init(input: Double, target: Double) {
            self.input = input
            self.target = target
        }
    }

    /// The pre-activation a = w·x + b.
    public func preActivation(for input: Double) -> Double { weight * input + bias }

    /// The output z = σ(w·x + b), in [0, 1]; never overflows (σ(a) = 1 − σ(−a) is used for a < 0).
    public func output(for input: Double) -> Double {
        let a = preActivation(for: input)
        if a >= 0 { return 1 / (1 + Double.exp(-a)) }
        let e = Double.exp(a)
        return e / (1 + e)
    }

    /// The cost over `examples` and its gradient, by reverse-mode differentiation.
    ///
    /// The cost is `loss` averaged over the examples (the notes' C = (1/n) Σₓ …):
    /// ``Loss/quadratic`` and ``Loss/binaryCrossEntropy`` are applied to the output
    /// z = σ(a); ``Loss/binaryCrossEntropyWithLogits`` to a (the same cross-entropy,
    /// computed stably).
    ///
    /// - Parameters:
    ///   - loss: ``Loss/quadratic``, ``Loss/binaryCrossEntropy`` or ``Loss/binaryCrossEntropyWithLogits``.
    ///   - examples: at least one example.
    /// - Returns: C, ∂C/∂w and ∂C/∂b. Non-finite weights or data give non-finite results.
    /// - Precondition: `examples` is not empty; `loss` is not ``Loss/softmaxCrossEntropy``
    ///   (a softmax over one output is constant).
    public func costAndGradient(_ loss: Loss, on examples: [Example]) -> (cost: Double, weight: Double, bias: Double) {
        precondition(!examples.isEmpty, "SigmoidNeuron: the cost of no examples is undefined")
        precondition(loss != .softmaxCrossEntropy, "SigmoidNeuron: a softmax over one output is 1; use binary cross-entropy")
        let inputs = Tensor(Matrix(column: examples.map(\.input)))
        let targets = Matrix(column: examples.map(\.target))
        let (value, gradient) = valueWithGradient(at: [Matrix(column: [weight]), Matrix(column: [bias])]) { p in
            let a = inputs * p[0] + p[1]
            return loss == .binaryCrossEntropyWithLogits ? loss(a, targets) : loss(a.sigmoid(), targets)
        }
        return (value, gradient[0][0, 0], gradient[1][0, 0])
    }

    /// The neurons full-batch gradient descent visits: w ← w − η ∂C/∂w, b ← b − η ∂C/∂b, once per epoch.
    ///
    /// - Parameters:
    ///   - loss: as for ``costAndGradient(_:on:)``.
    ///   - examples: the whole training set, used at every step (at least one example).
    ///   - learningRate: η (Nielsen uses 0.15 for the quadratic cost and 0.005 for cross-entropy).
    ///   - epochs: the number of steps, ≥ 0.
    /// - Returns: `epochs + 1` neurons: this one, then the neuron after each epoch.
    ///   A step that produces a non-finite weight is recorded and the descent goes on
    ///   (so a diverging run shows as NaN or ±∞ from that epoch on).
    /// - Complexity: O(epochs · examples.count).
    public func gradientDescentTrajectory(_ loss: Loss, on examples: [Example], learningRate: Double, epochs: Int)
        -> [SigmoidNeuron]
    {
        precondition(epochs >= 0, "SigmoidNeuron: the number of epochs must be ≥ 0, got \(epochs)")
        var trajectory = [self]
        trajectory.reserveCapacity(epochs + 1)
        var neuron = self
        for _ in 0..<epochs {
            let (_, dw, db) = neuron.costAndGradient(loss, on: examples)
            neuron.weight -= learningRate * dw
            neuron.bias -= learningRate * db
            trajectory.append(neuron)
        }
        return trajectory
    }
}
