// SignalPropagation: how the second moment of the activations should evolve
// through a deep fully connected network at initialization (infinite width).
//
// Design note. The recursion (THEORY.md §10): with independent zero-mean
// weights of variance Var(Wˡ), fan-in n_{l−1} and zero biases, the
// pre-activation aˡ = Wˡ z^{l−1} has Var(aˡ) = gₗ·E[(z^{l−1})²], gₗ = n_{l−1}·Var(Wˡ),
// and E[(zˡ)²] = E[f(√qₗ Z)²] with Z ~ 𝒩(0, 1) when aˡ is Gaussian (the
// mean-field, infinite-width limit). For ReLU, leaky ReLU and the identity the
// expectation has a closed form and holds at any width (it needs only a
// symmetric aˡ); for other activations it is computed by quadrature.
// Sources: Glorot & Bengio, AISTATS 2010; He et al., ICCV 2015; Poole et al.,
// "Exponential expressivity in deep neural networks through transient chaos",
// NeurIPS 2016 (the q recursion).

/// Predicted per-layer second moments of a deep fully connected network at
/// initialization, in the infinite-width (mean-field) limit.
///
/// Layer l computes aˡ = Wˡ z^{l−1} (biases 0) and zˡ = f(aˡ), with z⁰ = x. The
/// prediction is q₁ = g₁·E[x²], E[(zˡ)²] = E[f(√qₗ Z)²] and q_{l+1} = g_{l+1}·E[(zˡ)²],
/// where gₗ = n_{l−1}·Var(Wˡ) is layer l's gain. Examples (THEORY.md §10):
/// ReLU under He (g = 2) keeps E[(zˡ)²] = 1; ReLU under Glorot with equal fans
/// (g = 1) gives 2⁻ˡ; tanh with g = 1 gives q = 1, 0.394294, 0.236450, …
/// (≈ 1/(2l) for large l); tanh with g = 2 tends to the fixed point 0.6179648.
///
/// A finite network fluctuates around this: at width 256 and depth 10, one
/// draw of He-initialized ReLU weights gives E[(z¹⁰)²] with standard deviation
/// ≈ 0.29 around 1 (THEORY.md §10).
public struct SignalPropagation: Sendable, Hashable {
    /// qₗ = Var(aˡ) = E[(aˡ)²] for l = 1 … L.
    public let preActivationVariances: [Double]
    /// E[(zˡ)²] for l = 1 … L.
    public let activationSecondMoments: [Double]

    /// The prediction for layers with the given gains gₗ = n_{l−1}·Var(Wˡ).
    ///
    /// - Parameters:
    ///   - gains: one per layer, each finite and ≥ 0.
    ///   - activation: f, the same at every layer.
    ///   - inputSecondMoment: E[x²] averaged over the input features (1 for x ~ 𝒩(0, I)); finite, ≥ 0.
    /// - Note: A variance that overflows to +∞ gives +∞ for unbounded activations
    ///   and the limit value for bounded ones (1 for tanh).
    public init(gains: [Double], activation: ActivationFunction, inputSecondMoment: Double = 1) {
        precondition(gains.allSatisfy { $0.isFinite && $0 >= 0 }, "SignalPropagation: gains must be finite and ≥ 0, got \(gains)")
        precondition(
            inputSecondMoment.isFinite && inputSecondMoment >= 0,
            "SignalPropagation: the input's second moment must be finite and ≥ 0, got \(inputSecondMoment)")
        var variances: [Double] = [], moments: [Double] = []
        var previous = inputSecondMoment
        for gain in gains {
            let q = gain * previous
            previous = Self.secondMoment(of: activation, preActivationVariance: q)
            variances.append(q)
            moments.append(previous)
        }
        preActivationVariances = variances
        activationSecondMoments = moments
    }

    /// The prediction for a network of dense layers whose weights `initializer` draws.
    ///
    /// Layer l has fan-in `widths[l − 1]` and fan-out `widths[l]`, so its gain is
    /// widths[l − 1]·`initializer.variance(rows: widths[l], columns: widths[l − 1])`.
    /// - Parameters:
    ///   - widths: n₀ (the input features), n₁, …, n_L; at least two, each ≥ 1.
    ///   - initializer: the weights' initializer (biases are taken as 0).
    ///   - activation: f, the same at every layer.
    ///   - inputSecondMoment: E[x²] (1 for x ~ 𝒩(0, I)).
    public init(widths: [Int], initializer: Initializer, activation: ActivationFunction, inputSecondMoment: Double = 1) {
        precondition(
            widths.count >= 2 && widths.allSatisfy { $0 >= 1 }, "SignalPropagation: need at least two widths ≥ 1, got \(widths)")
        let gains = zip(widths, widths.dropFirst()).map { fanIn, fanOut in
            Double(fanIn) * initializer.variance(rows: fanOut, columns: fanIn)
        }
        self.init(gains: gains, activation: activation, inputSecondMoment: inputSecondMoment)
    }

    /// E[f(a)²] for a ~ 𝒩(0, q).
    ///
    /// Exact for the identity (q), ReLU (q/2) and leaky ReLU with slope s
    /// (q(1 + s²)/2). Otherwise the midpoint rule on Z ∈ [−10, 10] with 4000
    /// nodes, which for these smooth activations agrees with 101-node
    /// Gauss–Hermite quadrature to better than 1e−9.
    /// - Parameters:
    ///   - activation: f.
    ///   - q: the variance of a, ≥ 0 (NaN gives NaN).
    public static func secondMoment(of activation: ActivationFunction, preActivationVariance q: Double) -> Double {
        precondition(!(q < 0), "SignalPropagation: a variance must be ≥ 0, got \(q)")
        switch activation {
        case .identity: return q
        case .relu: return q / 2
        case .leakyReLU(let slope): return q * (1 + slope * slope) / 2
        default: break
        }
        if q.isNaN { return .nan }
        let scale = q.squareRoot()
        let values = activation.apply(to: Tensor(Matrix(row: quadrature.nodes.map { scale * $0 }))).value.elements
        var sum = 0.0
        for (value, weight) in zip(values, quadrature.weights) { sum += weight * value * value }
        return sum
    }

    /// Midpoint nodes on [−10, 10] and their normal-density weights, normalized to sum 1.
    private static let quadrature: (nodes: [Double], weights: [Double]) = {
        let count = 4000, step = 20.0 / Double(count)
        let nodes = (0..<count).map { -10 + (Double($0) + 0.5) * step }
        let densities = nodes.map { Double.exp(-$0 * $0 / 2) }
        let total = densities.reduce(0, +)
        return (nodes, densities.map { $0 / total })
    }()
}
