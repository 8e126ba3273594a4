// Gradient clipping and the non-finite gradient guard, applied to the gradient
// list before an optimizer sees it.
//
// Source: the notes (S1): "if ‖g‖ > u then g ← g·u/‖g‖" — applied exactly, as
// optax's `clip_by_global_norm` does. PyTorch's `clip_grad_norm_` scales by
// u/(‖g‖ + 1e−6) instead (a relative difference of about 1e−6/u).

import DescentLinalg

/// How gradients are limited before an update.
public enum GradientClipping<Scalar: BLASScalar>: Sendable, Equatable {
    /// No clipping.
    case none
    /// The notes' rule over all tensors at once: with ‖g‖ = √(Σ‖gᵢ‖²), if
    /// ‖g‖ > u then every gᵢ ← gᵢ·u/‖g‖ (the direction is kept).
    case globalNorm(Scalar)
    /// The same rule applied to each tensor on its own.
    case perTensorNorm(Scalar)
    /// Each element clamped to [−c, c] (changes the direction).
    case value(Scalar)
}

/// What to do when a gradient holds NaN or ±∞.
public enum NonFiniteGradientPolicy: String, Sendable, CaseIterable {
    /// Leave the parameters and optimizer state untouched and report the step as skipped.
    case skipStep
    /// Throw `OptimizerError.nonFiniteGradient`.
    case stop
}

/// What the guard saw in one gradient list.
public struct GradientReport<Scalar: BLASScalar>: Sendable, Equatable {
    /// ‖g‖ over all tensors before clipping (NaN or ∞ when an element is).
    public var norm: Scalar
    /// Whether clipping changed the gradients.
    public var clipped: Bool
    /// Whether the step must be skipped (a non-finite element under `.skipStep`).
    public var skipped: Bool
}

/// Clipping plus the non-finite check: what a training loop runs between the
/// backward pass and the optimizer.
///
/// ```swift
/// let guard = GradientGuard<Float>(clipping: .globalNorm(1), nonFinite: .skipStep)
/// let report = try guard.apply(to: &gradients)
/// if !report.skipped { try optimizer.update(&parameters, with: gradients) }
/// ```
public struct GradientGuard<Scalar: BLASScalar>: Sendable, Equatable {
    public var clipping: GradientClipping<Scalar>
    public var nonFinite: NonFiniteGradientPolicy

    /// - Parameters:
    ///   - clipping: the clipping rule (`.none` by default). Thresholds must be > 0.
    ///   - nonFinite: skip the step (default) or throw.
    public init(clipping: GradientClipping<Scalar> = .none, nonFinite: NonFiniteGradientPolicy = .skipStep) {
        self.clipping = clipping
        self.nonFinite = nonFinite
    }

    /// Checks for non-finite elements, then clips in place.
    /// - Returns: the pre-clipping norm and what was done.
    /// - Throws: `OptimizerError.nonFiniteGradient` under `.stop`;
    ///   `.invalidHyperparameter` for a threshold that is not finite and > 0.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func apply(to gradients: inout [Matrix<Scalar>]) throws(OptimizerError) -> GradientReport<Scalar> {
        // A closure, not a key path: in generic code `map(\.property)` goes through
        // the unspecialized getter, ~15 ns an element (training-bench measured 150 µs a step).
        let squaredNorms = gradients.map { $0.squaredFrobeniusNorm }
        var norm = squaredNorms.reduce(0, +).squareRoot()
        var tensorNorms = squaredNorms.map { $0.squareRoot() }
        if !norm.isFinite {
            for (index, gradient) in gradients.enumerated() {
                guard let bad = gradient.firstNonFiniteElement() else { continue }
                if nonFinite == .stop {
                    throw .nonFiniteGradient(
                        index: index, element: bad.row * gradient.columns + bad.column, value: Double(bad.value))
                }
                return GradientReport(norm: norm, clipped: false, skipped: true)
            }
            // Every element is finite but a sum of squares overflowed (|g| ≳ 1e19 in
            // Float): sum in units of the largest magnitude, or clipping would scale by u/∞ = 0.
            let largest = gradients.map { $0.maxAbsoluteElement() }.max() ?? 1
            let scaled = gradients.map { $0.map { $0 / largest }.squaredFrobeniusNorm }
            norm = largest * scaled.reduce(0, +).squareRoot()
            tensorNorms = scaled.map { largest * $0.squareRoot() }
        }
        var clipped = false
        switch clipping {
        case .none:
            break
        case let .globalNorm(limit):
            try requirePositive(limit, "globalNorm")
            if norm > limit {
                let scale = limit / norm
                for index in gradients.indices { gradients[index] *= scale }
                clipped = true
            }
        case let .perTensorNorm(limit):
            try requirePositive(limit, "perTensorNorm")
            for index in gradients.indices {
                let tensorNorm = tensorNorms[index]
                if tensorNorm > limit {
                    gradients[index] *= limit / tensorNorm
                    clipped = true
                }
            }
        case let .value(limit):
            try requirePositive(limit, "value")
            for index in gradients.indices {
                gradients[index].withUnsafeMutableElements { g in
                    for i in g.indices where Swift.abs(g[i]) > limit {
                        g[i] = g[i] > 0 ? limit : -limit
                        clipped = true
                    }
                }
            }
        }
        return GradientReport(norm: norm, clipped: clipped, skipped: false)
    }

    private func requirePositive(_ limit: Scalar, _ rule: String) throws(OptimizerError) {
        guard limit.isFinite, limit > 0 else {
            throw .invalidHyperparameter(
                optimizer: "GradientClipping", name: rule, value: Double(limit), requirement: "finite and > 0")
        }
    }
}
