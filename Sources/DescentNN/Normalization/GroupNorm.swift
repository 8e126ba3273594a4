// GroupNorm: group normalization, each example over contiguous groups of features.

/// Group normalization (Wu & He 2018): the C features of each example are split
/// into G contiguous groups of C/G; each group of each example is centered and
/// scaled with its own statistics, then every feature gets a learnable γ and β:
///
///     for example n and group g (features i ∈ g):
///     μₙ,g = (G/C) Σ_{i∈g} xₙᵢ,   σ²ₙ,g = (G/C) Σ_{i∈g} (xₙᵢ − μₙ,g)²,
///     yₙᵢ = γᵢ (xₙᵢ − μₙ,g)/√(σ²ₙ,g + ε) + βᵢ.
///
/// It interpolates between the two other per-example schemes: G = 1 is
/// ``LayerNorm``; G = C normalizes each feature on its own (instance
/// normalization). With one example per row, as here, a group of one feature
/// holds a single number, so G = C gives x̂ = 0 and y = β: instance
/// normalization is only informative when a feature spans several positions
/// (channels of an image, which rank-2 tensors do not have).
///
/// Like layer normalization it uses no other example, behaves the same in
/// training and inference, and keeps no running statistics. Built from
/// differentiable operations (an n×C batch is reshaped to (n·G)×(C/G), each
/// row normalized, and reshaped back), so gradients and Hessians are exact.
/// Parameters `weight` (γ, ones) and `bias` (β, zeros), 1×features, as in
/// PyTorch's `nn.GroupNorm(groups, features)`.
///
/// References: Y. Wu, K. He, "Group Normalization", ECCV 2018.
public struct GroupNorm<Scalar: BLASScalar>: Layer {
    /// G, the number of groups.
    public let groups: Int
    /// C, the number of features; a multiple of ``groups``.
    public let features: Int
    /// ε > 0, added to the variance before the square root.
    public let epsilon: Double
    /// γ, the 1×features scale (`weight`), or `nil` without affine parameters.
    public var weight: Tensor<Scalar>? { affine.weight }
    /// β, the 1×features shift (`bias`), or `nil` without affine parameters.
    public var bias: Tensor<Scalar>? { affine.bias }

    private var affine: FeatureAffine<Scalar>

    /// A group-normalization layer.
    /// - Parameters:
    ///   - groups: G ≥ 1, which must divide `features`.
    ///   - features: C ≥ 1, the number of features per example.
    ///   - epsilon: ε > 0 added to the variance (default 1e−5, as PyTorch).
    ///   - affine: whether to learn γ and β (default `true`).
    public init(groups: Int, features: Int, epsilon: Double = 1e-5, affine: Bool = true) {
        precondition(groups >= 1 && features >= 1, "GroupNorm needs groups and features ≥ 1, got \(groups) and \(features)")
        precondition(
            features % groups == 0,
            "GroupNorm: \(groups) groups do not divide \(features) features; choose a number of groups that divides it")
        precondition(epsilon > 0, "GroupNorm epsilon must be positive, got \(epsilon)")
        self.groups = groups
        self.features = features
        self.epsilon = epsilon
        self.affine = FeatureAffine(features: features, isEnabled: affine)
    }

    /// Normalizes each group of each row of `input` (batch × features); `mode` makes no difference.
    /// - Precondition: `input` has ``features`` columns.
    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        precondition(
            input.columns == features, "GroupNorm expects \(features) features per example, got \(input.shapeDescription)")
        let n = input.rows
        if tapeIsIdle(input, affine.weight, affine.bias) {  // predict: one fused pass, same numbers up to rounding
            let size = features / groups
            let perGroup = input.value.reshaped(rows: n * groups, columns: size).rowsNormalized(
                epsilon: Scalar(epsilon), weight: affine.weight?.value.reshaped(rows: groups, columns: size),
                bias: affine.bias?.value.reshaped(rows: groups, columns: size))
            return Tensor(perGroup.reshaped(rows: n, columns: features))
        }
        // Row-major: example i's group g (features g·C/G ..< (g+1)·C/G) becomes row i·G + g.
        let perGroup = input.reshaped(rows: n * groups, columns: features / groups)
        let normalized = perGroup.normalizedWithStatistics(alongAxis: 1, epsilon: Scalar(epsilon)).normalized
        return affine.apply(to: normalized.reshaped(rows: n, columns: features))
    }

    /// γ and β are vectors in PyTorch: both are written as 1-D tensors.
    public var vectorParameterNames: Set<String> { Set(namedParameters.map(\.name)) }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { affine.namedParameters }
        set { affine.setNamedParameters(newValue, in: "GroupNorm") }
    }
}
