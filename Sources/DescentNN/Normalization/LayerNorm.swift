// LayerNorm: layer normalization, each example over its own features.

/// Layer normalization (Ba, Kiros & Hinton 2016): each example (row) is
/// centered and scaled with the statistics of its own H features, then given a
/// learnable per-feature scale γ and shift β:
///
///     μₙ = (1/H) Σᵢ aₙᵢ,   σₙ² = (1/H) Σᵢ (aₙᵢ − μₙ)²,
///     âₙᵢ = (aₙᵢ − μₙ)/√(σₙ² + ε),   yₙᵢ = γᵢ âₙᵢ + βᵢ.
///
/// The computation is the same in training and inference and involves no
/// other example, so there are no running statistics and a batch of one is
/// fine. (The notes, S0, write σₙ² with μᵢ and call the scale λᵢ; the
/// statistics are μₙ's and the scale is γᵢ — THEORY.md §14, item 12.)
///
/// Built from differentiable Tensor operations, so gradients and Hessians are
/// exact. Parameters `weight` (γ, ones) and `bias` (β, zeros), 1×features, as
/// PyTorch's `nn.LayerNorm(features)` names them.
///
/// References: J. L. Ba, J. R. Kiros, G. E. Hinton, "Layer Normalization", arXiv:1607.06450 (2016).
public struct LayerNorm<Scalar: BLASScalar>: Layer {
    /// The number of features H normalized together in each example.
    public let features: Int
    /// ε > 0, added to the variance before the square root.
    public let epsilon: Double
    /// γ, the 1×features scale (`weight`), or `nil` without affine parameters.
    public var weight: Tensor<Scalar>? { affine.weight }
    /// β, the 1×features shift (`bias`), or `nil` without affine parameters.
    public var bias: Tensor<Scalar>? { affine.bias }

    private var affine: FeatureAffine<Scalar>

    /// A layer-normalization layer.
    /// - Parameters:
    ///   - features: H, the number of features per example, ≥ 1.
    ///   - epsilon: ε > 0 added to the variance (default 1e−5, as PyTorch).
    ///   - affine: whether to learn γ and β (default `true`; PyTorch's `elementwise_affine`).
    public init(features: Int, epsilon: Double = 1e-5, affine: Bool = true) {
        precondition(features >= 1, "LayerNorm needs at least one feature, got \(features)")
        precondition(epsilon > 0, "LayerNorm epsilon must be positive, got \(epsilon)")
        self.features = features
        self.epsilon = epsilon
        self.affine = FeatureAffine(features: features, isEnabled: affine)
    }

    /// Normalizes each row of `input` (batch × features); `mode` makes no difference.
    /// - Precondition: `input` has ``features`` columns.
    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        precondition(
            input.columns == features, "LayerNorm expects \(features) features per example, got \(input.shapeDescription)")
        if tapeIsIdle(input, affine.weight, affine.bias) {  // predict: one fused pass per row, same numbers up to rounding
            return Tensor(
                input.value.rowsNormalized(epsilon: Scalar(epsilon), weight: affine.weight?.value, bias: affine.bias?.value))
        }
        return affine.apply(to: input.normalizedWithStatistics(alongAxis: 1, epsilon: Scalar(epsilon)).normalized)
    }

    /// γ and β are vectors in PyTorch: both are written as 1-D tensors.
    public var vectorParameterNames: Set<String> { Set(namedParameters.map(\.name)) }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { affine.namedParameters }
        set { affine.setNamedParameters(newValue, in: "LayerNorm") }
    }
}
