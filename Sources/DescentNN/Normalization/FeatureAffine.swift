// FeatureAffine: the learnable γ and β shared by batch, layer and group normalization.

/// The learnable per-feature scale γ (`weight`, initially ones) and shift β
/// (`bias`, initially zeros) that follow a normalization: y = γ ⊙ x̂ + β, each a
/// 1×features row broadcast down the batch. Absent when the layer is built
/// with `affine: false`, in which case y = x̂.
struct FeatureAffine<Scalar: BLASScalar> {
    var weight: Tensor<Scalar>?
    var bias: Tensor<Scalar>?

    init(features: Int, isEnabled: Bool) {
        weight = isEnabled ? Tensor(variable: Matrix(rows: 1, columns: features, repeating: 1)) : nil
        bias = isEnabled ? Tensor(variable: Matrix(rows: 1, columns: features, repeating: 0)) : nil
    }

    /// γ ⊙ x̂ + β, or x̂ without parameters.
    func apply(to normalized: Tensor<Scalar>) -> Tensor<Scalar> {
        guard let weight, let bias else { return normalized }
        return normalized * weight + bias
    }

    var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    /// Replaces γ and β, checking names' count and shapes (see ``Layer/namedParameters``).
    mutating func setNamedParameters(_ newValue: [(name: String, tensor: Tensor<Scalar>)], in layer: String) {
        requireSameLayout(namedParameters, newValue, in: layer)
        guard weight != nil else { return }
        weight = newValue[0].tensor
        bias = newValue[1].tensor
    }
}
