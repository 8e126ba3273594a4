// Measuring an asymptotic rate from an error sequence.
//
// Design note. The error of a linear iteration behaves like C·k^p·ρᵏ, with
// p = 0 for distinct roots and p = 1 where the dominant direction has a double
// root (Polyak's optimal heavy ball at both ends of the spectrum, Nesterov's
// standard tuning at λmin). A naive log-linear fit of such an error reads a
// rate 1–2% slow, so the fit divides the k^p factor out first. Momentum
// methods rotate energy between error and velocity, so the error norm
// oscillates; fitting s_k = √(‖e_k‖² + ‖e_{k−1}‖²) (the norm of the state
// (e_k, e_{k−1})) removes most of the oscillation. The window is the second
// half of the run before the error reaches the rounding floor.

import RealModule

/// A least-squares fit of ln s_k ≈ a + p·ln k + k·ln ρ over a window of steps.
public struct RateFit: Sendable, Hashable, Codable {
    /// ρ, the fitted rate per step.
    public var rate: Double
    /// The steps fitted (first and last, inclusive).
    public var firstStep: Int
    public var lastStep: Int
    /// p, the polynomial degree that was divided out (0 or 1).
    public var polynomialDegree: Int
    /// The root-mean-square residual of the fit in ln units (how clean the geometric decay was).
    public var residual: Double

    /// Fits the rate of `errors` (element k is ‖e_k‖).
    ///
    /// - Parameters:
    ///   - errors: the error norms, k = 0…T.
    ///   - polynomialDegree: p, the power of k in C·k^p·ρᵏ (1 for a double root).
    ///   - window: steps to fit; by default the second half of the run up to
    ///     the last step whose relative error is above `floor`.
    ///   - floor: the relative error under which rounding dominates (default 1e-12).
    /// - Returns: `nil` when fewer than 3 usable steps remain.
    public static func fit(
        errors: [Double], polynomialDegree: Int = 0, window: ClosedRange<Int>? = nil, floor: Double = 1e-12
    ) -> RateFit? {
        guard errors.count >= 4, let first = errors.first, first > 0 else { return nil }
        var end = errors.count - 1
        if let last = errors.firstIndex(where: { !$0.isFinite || $0 <= floor * first }) { end = last - 1 }
        let range = window ?? (max(1, end / 2)...max(1, end))
        let lower = max(1, range.lowerBound)
        let upper = min(range.upperBound, errors.count - 1)
        guard upper - lower >= 2 else { return nil }
        var xs: [Double] = []
        var ys: [Double] = []
        for k in lower...upper {
            let state = (errors[k] * errors[k] + errors[k - 1] * errors[k - 1]).squareRoot()
            guard state > 0, state.isFinite else { continue }
            xs.append(Double(k))
            ys.append(Double.log(state) - Double(polynomialDegree) * Double.log(Double(k)))
        }
        guard xs.count >= 3 else { return nil }
        let n = Double(xs.count)
        let meanX = xs.reduce(0, +) / n
        let meanY = ys.reduce(0, +) / n
        var sxx = 0.0
        var sxy = 0.0
        for (x, y) in zip(xs, ys) {
            sxx += (x - meanX) * (x - meanX)
            sxy += (x - meanX) * (y - meanY)
        }
        let slope = sxy / sxx
        let intercept = meanY - slope * meanX
        let residual = (zip(xs, ys).reduce(0) { $0 + Double.pow($1.1 - intercept - slope * $1.0, 2) } / n).squareRoot()
        return RateFit(
            rate: Double.exp(slope), firstStep: lower, lastStep: upper, polynomialDegree: polynomialDegree,
            residual: residual)
    }

    /// ln ρ_measured / ln ρ_predicted: the ratio of convergence exponents (1 when the prediction holds;
    /// 1.01 means the run needs 1% fewer steps than predicted). More demanding than ρ/ρ̂ when ρ is near 1.
    public func exponentRatio(predicted: Double) -> Double { Double.log(rate) / Double.log(predicted) }
}
