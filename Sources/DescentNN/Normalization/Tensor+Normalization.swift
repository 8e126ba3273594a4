// The one computation every normalization layer shares: center and scale a
// tensor along an axis with its own mean and biased variance, built only from
// differentiable Tensor operations so that gradients *and* Hessians through
// the statistics are exact.

extension Tensor {
    /// x̂ = (x − μ)/√(σ² + ε) along `axis`, with μ the mean and σ² the biased
    /// (1/m) variance along that axis, and those statistics.
    ///
    /// Axis 0 normalizes each column over the rows (batch normalization, one μ
    /// per feature); axis 1 normalizes each row over its columns (layer and group
    /// normalization, one μ per example). The statistics are not detached: the
    /// derivative of x̂ includes their dependence on x, which gives the notes'
    /// compact backward formula and makes Σᵢ ∂ℓ/∂xᵢ = 0 along the axis.
    ///
    /// - Parameters:
    ///   - axis: 0 (over rows, results 1×c) or 1 (along rows, results r×1).
    ///   - epsilon: ε > 0, added to the variance so that a constant line gives
    ///     x̂ = 0 rather than 0/0.
    /// - Returns: x̂ (same shape as `self`), μ and σ² (1×c or r×1).
    func normalizedWithStatistics(alongAxis axis: Int, epsilon: Scalar)
        -> (normalized: Tensor, mean: Tensor, variance: Tensor)
    {
        let mean = self.mean(alongAxis: axis)
        let centered = self - mean
        let variance = centered.squared().mean(alongAxis: axis)
        return (centered / (variance + epsilon).squareRoot(), mean, variance)
    }
}
