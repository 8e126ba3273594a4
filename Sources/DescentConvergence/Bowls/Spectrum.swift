// Prescribed spectra for test bowls: the eigenvalues λ₁ ≤ … ≤ λ_d of H.
//
// Every shape puts the two ends exactly at μ = λmin and L = μ·κ, so the
// condition number asked for is the condition number obtained.

import RealModule

/// How the eigenvalues of a test bowl are spread between λmin and λmax.
public enum SpectrumShape: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Evenly spaced: λᵢ = μ + (L − μ)·i/(d − 1).
    case linear
    /// Evenly spaced in log: λᵢ = μ·κ^{i/(d−1)} (the default; typical of real Hessians' bulk).
    case logUniform
    /// `count` tight clusters with centres evenly spaced in log from μ to L, each
    /// spread by ±`relativeWidth` around its centre (clipped to [μ, L]). Conjugate
    /// gradient converges in about `count` steps on such a spectrum.
    case clustered(count: Int, relativeWidth: Double)
    /// A bulk evenly spaced on [μ, min(L, 2μ)] plus `count` outliers evenly
    /// spaced in log up to L: the shape of a trained network's Hessian
    /// (a few large eigenvalues above a bulk).
    case outliers(count: Int)

    public var description: String {
        switch self {
        case .linear: "linear"
        case .logUniform: "log-uniform"
        case let .clustered(count, width): "\(count) clusters (±\(width.formatted()))"
        case let .outliers(count): "bulk + \(count) outliers"
        }
    }
}

extension SpectrumShape {
    /// The d eigenvalues, ascending, from `smallest` (μ) to `smallest·conditionNumber` (L).
    ///
    /// - Throws: `ConvergenceError.invalidParameter` when d < 1, κ < 1 (or not
    ///   finite), μ ≤ 0, a cluster count outside 1…d, a width outside [0, 1),
    ///   or an outlier count outside 0…d−1.
    public func eigenvalues(
        dimension: Int, conditionNumber: Double, smallest: Double = 1
    ) throws(ConvergenceError) -> [Double] {
        try require(Double(dimension), "dimension", "at least 1") { $0 >= 1 }
        try require(conditionNumber, "condition number", "a finite number ≥ 1") { $0 >= 1 }
        try require(smallest, "smallest eigenvalue", "a finite number > 0") { $0 > 0 }
        let d = dimension
        let largest = smallest * conditionNumber
        guard d > 1 else { return [smallest] }
        let fraction = { (i: Int) in Double(i) / Double(d - 1) }
        var values: [Double]
        switch self {
        case .linear:
            values = (0..<d).map { smallest + (largest - smallest) * fraction($0) }
        case .logUniform:
            values = (0..<d).map { smallest * Double.exp(Double.log(conditionNumber) * fraction($0)) }
        case let .clustered(count, width):
            try require(Double(count), "cluster count", "between 1 and the dimension \(d)") { $0 >= 1 && Int($0) <= d }
            try require(width, "cluster width", "in [0, 1)") { $0 >= 0 && $0 < 1 }
            values = (0..<d).map { i in
                let cluster = i * count / d
                let members = (0..<d).filter { $0 * count / d == cluster }
                let position = members.count > 1 ? Double(i - members[0]) / Double(members.count - 1) : 0.5
                let centreFraction = count > 1 ? Double(cluster) / Double(count - 1) : 0
                let centre = smallest * Double.exp(Double.log(conditionNumber) * centreFraction)
                let value = centre * (1 + width * (2 * position - 1))
                return Swift.min(largest, Swift.max(smallest, value))
            }
        case let .outliers(count):
            try require(Double(count), "outlier count", "between 0 and \(d - 1)") { $0 >= 0 && Int($0) < d }
            let bulkCount = d - count
            let bulkTop = Swift.min(largest, 2 * smallest)
            let bulk = (0..<bulkCount).map { i in
                bulkCount > 1 ? smallest + (bulkTop - smallest) * Double(i) / Double(bulkCount - 1) : smallest
            }
            let outliers = (1...max(count, 1)).prefix(count).map { j in
                bulkTop * Double.exp(Double.log(largest / bulkTop) * Double(j) / Double(count))
            }
            values = bulk + outliers
        }
        values[0] = smallest
        values[d - 1] = largest
        return values.sorted()
    }
}
