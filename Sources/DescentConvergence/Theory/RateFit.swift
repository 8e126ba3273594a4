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
    /// p, the power of k that was divided out (given, or fitted).
    public var polynomialDegree: Double
    /// The root-mean-square residual of the fit in ln units (how clean the geometric decay was).
    public var residual: Double

    /// How the polynomial factor k^p of C·k^p·ρᵏ is handled.
    public enum Model: Sendable, Hashable, Codable {
        /// p fixed (0 for distinct roots, 1 for a double root).
        case fixedDegree(Int)
        /// p fitted with ρ: ln s_k = c + p·ln k + k·ln ρ. Absorbs the double
        /// root's k and the k^{−1/2}-like slowdown of a dense spectrum's edge,
        /// which otherwise bias a finite window by a few percent.
        case fittedDegree
    }

    /// Fits the rate of `errors` (element k is ‖e_k‖).
    ///
    /// - Parameters:
    ///   - errors: the error norms, k = 0…T.
    ///   - model: how the polynomial factor is treated (fitted by default).
    ///   - window: steps to fit; by default the last three quarters of the run
    ///     up to the last step whose relative error is above `floor`.
    ///   - floor: the relative error under which rounding dominates (default 1e-12;
    ///     a bowl with w* = 0 has no such floor, since rounding is relative to ‖w‖ = ‖e‖).
    /// - Returns: `nil` when fewer than 4 usable steps remain.
    public static func fit(
        errors: [Double], model: Model = .fittedDegree, window: ClosedRange<Int>? = nil, floor: Double = 1e-12
    ) -> RateFit? {
        guard errors.count >= 5, let first = errors.first, first > 0 else { return nil }
        var end = errors.count - 1
        if let last = errors.firstIndex(where: { !$0.isFinite || $0 <= floor * first || $0 < 1e-290 }) { end = last - 1 }
        let range = window ?? (max(1, end / 4)...max(1, end))
        let lower = max(1, range.lowerBound)
        let upper = min(range.upperBound, end)
        guard upper - lower >= 3 else { return nil }
        var rows: [(k: Double, logK: Double, y: Double)] = []
        for k in lower...upper {
            let state = (errors[k] * errors[k] + errors[k - 1] * errors[k - 1]).squareRoot()
            guard state > 0, state.isFinite else { continue }
            rows.append((Double(k), Double.log(Double(k)), Double.log(state)))
        }
        guard rows.count >= 4 else { return nil }
        let slope: Double
        let degree: Double
        let predict: (Double, Double) -> Double
        switch model {
        case let .fixedDegree(p):
            let xs = rows.map(\.k)
            let ys = rows.map { $0.y - Double(p) * $0.logK }
            let line = leastSquaresLine(xs, ys)
            slope = line.slope
            degree = Double(p)
            predict = { k, logK in line.intercept + line.slope * k + Double(p) * logK }
        case .fittedDegree:
            let plane = leastSquaresPlane(rows)
            slope = plane.slope
            degree = plane.degree
            predict = { k, logK in plane.intercept + plane.slope * k + plane.degree * logK }
        }
        let residual = (rows.reduce(0) { $0 + Double.pow($1.y - predict($1.k, $1.logK), 2) } / Double(rows.count))
            .squareRoot()
        return RateFit(rate: Double.exp(slope), firstStep: lower, lastStep: upper, polynomialDegree: degree, residual: residual)
    }

    /// ln ρ_measured / ln ρ_predicted: the ratio of convergence exponents (1 when the prediction holds;
    /// 1.01 means the run needs 1% fewer steps than predicted). More demanding than ρ/ρ̂ when ρ is near 1.
    public func exponentRatio(predicted: Double) -> Double { Double.log(rate) / Double.log(predicted) }
}

// MARK: - Least squares

/// y ≈ a + b·x.
private func leastSquaresLine(_ xs: [Double], _ ys: [Double]) -> (intercept: Double, slope: Double) {
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
    return (meanY - slope * meanX, slope)
}

/// y ≈ c + s·k + p·ln k, by the normal equations on centred columns (solved by Cramer's rule on the 2×2 system).
private func leastSquaresPlane(
    _ rows: [(k: Double, logK: Double, y: Double)]
) -> (intercept: Double, slope: Double, degree: Double) {
    let n = Double(rows.count)
    let meanK = rows.reduce(0) { $0 + $1.k } / n
    let meanL = rows.reduce(0) { $0 + $1.logK } / n
    let meanY = rows.reduce(0) { $0 + $1.y } / n
    var skk = 0.0, sll = 0.0, skl = 0.0, sky = 0.0, sly = 0.0
    for row in rows {
        let k = row.k - meanK
        let l = row.logK - meanL
        let y = row.y - meanY
        skk += k * k
        sll += l * l
        skl += k * l
        sky += k * y
        sly += l * y
    }
    let determinant = skk * sll - skl * skl
    guard abs(determinant) > 1e-12 * skk * sll else {
        let line = leastSquaresLine(rows.map(\.k), rows.map(\.y))
        return (line.intercept, line.slope, 0)
    }
    let slope = (sky * sll - sly * skl) / determinant
    let degree = (sly * skk - sky * skl) / determinant
    return (meanY - slope * meanK - degree * meanL, slope, degree)
}
