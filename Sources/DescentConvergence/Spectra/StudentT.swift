// Student's t quantiles, for confidence intervals of Monte Carlo estimates.
//
// The CDF of t with ν degrees of freedom is, for t ≥ 0,
// F(t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½), with I the regularized incomplete beta
// function, evaluated by its continued fraction (modified Lentz). The quantile
// inverts F by bisection in t, to about 1e-13 relative. Checked against
// SciPy's `stats.t.ppf` (scripts/hessian_spectra_reference_values.py).
// Sources: Abramowitz & Stegun 26.7.1 and 26.5.8; Press et al., Numerical
// Recipes, 3rd ed., §6.4 (continued fraction, written afresh here).

import Foundation

enum StudentT {
    /// The quantile t_p of Student's t with ν degrees of freedom: F(t_p) = p.
    /// - Precondition: 0 < p < 1 and ν > 0 (callers check user values).
    static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1 && nu > 0, "StudentT.quantile: needs 0 < p < 1 and ν > 0")
        if p == 0.5 { return 0 }
        if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: nu) }
        var low = 0.0, high = 1.0
        while cumulativeProbability(high, degreesOfFreedom: nu) < p { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if cumulativeProbability(middle, degreesOfFreedom: nu) < p { low = middle } else { high = middle }
            if high - low <= 1e-14 * high { break }
        }
        return (low + high) / 2
    }

    /// F(t) = P(T ≤ t) for Student's t with ν degrees of freedom.
    static func cumulativeProbability(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// I_x(a, b), the regularized incomplete beta function, for 0 ≤ x ≤ 1 and a, b > 0.
    static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use symmetry otherwise.
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b) (A&S 26.5.8), by the modified Lentz method.
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let m = Double(m)
            // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
            var coefficient = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + coefficient * d
            c = 1 + coefficient / c
            if abs(d) < tiny { d = tiny }
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
            coefficient = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + coefficient * d
            c = 1 + coefficient / c
            if abs(d) < tiny { d = tiny }
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            result *= change
            if abs(change - 1) < 1e-16 { break }
        }
        return result
    }
}
