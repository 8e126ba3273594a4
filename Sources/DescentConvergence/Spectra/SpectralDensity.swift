// Stochastic Lanczos quadrature (SLQ): the spectral density of a symmetric
// operator from a few Lanczos runs, as nodes and weights and as a smooth curve.
//
// Design note. Goals, in order:
// 1. The quadrature THEORY.md §9.4 states: for a unit probe v, m Lanczos steps
//    give nodes θ_k (eigenvalues of T_m) and weights τ_k = (e₁ᵀs_k)², and
//    Σ_k τ_k θ_kʲ = vᵀHʲv exactly for j ≤ 2m − 1. The weight is τ_k, not τ_k²
//    (one widely read documentation page squares it again).
// 2. The density φ(t) = (1/n)Σᵢ δ(t − λᵢ) is estimated, smoothed by a Gaussian
//    of variance σ², as (1/n_v)·Σ_l Σ_k τ_k^{(l)}·g_σ(t − θ_k^{(l)}), with
//    PyHessian's σ² = 1e-5·max(1, λmax − λmin) (overridable) on a grid
//    normalized to unit integral. The same smoothing applied to exact
//    eigenvalues gives the curve SLQ is compared with.
// 3. Full reorthogonalization in every run (orthogonality loss would move
//    weight onto ghost copies of converged nodes).
// Sources: Lin, Saad & Yang, SIAM Review 58(1), 2016; Ubaru, Chen & Saad,
// SIMAX 38(4), 2017; Ghorbani, Krishnan & Xiao, ICML 2019; Yao et al.,
// "PyHessian", IEEE BigData 2020.

import DescentLinalg
import Foundation

/// Stochastic Lanczos quadrature for the spectral density of a symmetric operator.
///
/// ```swift
/// let quadrature = try StochasticLanczosQuadrature(steps: 80, probes: 4, seed: 1).estimate(of: hessian)
/// let density = try quadrature.density()               // 10,000 points, unit integral
/// try density.chart(title: "Hessian spectrum").write(to: "density.svg")
/// ```
public struct StochasticLanczosQuadrature: Sendable {
    /// m, Lanczos steps per probe (≥ 1; clamped to n). Each costs one product.
    public var steps: Int
    /// n_v, the number of random probes averaged (≥ 1).
    public var probes: Int
    /// The distribution of the probe entries (normalized to unit length).
    public var distribution: HutchinsonTrace.ProbeDistribution
    /// The seed of the probes.
    public var seed: UInt64

    /// An SLQ estimator.
    /// - Parameters:
    ///   - steps: m ≥ 1, 100 by default (PyHessian's `iter`).
    ///   - probes: n_v ≥ 1, 1 by default (PyHessian's `n_v`; Ghorbani et al. show one suffices for large n).
    ///   - distribution: Rademacher by default.
    ///   - seed: 0 by default.
    public init(
        steps: Int = 100, probes: Int = 1, distribution: HutchinsonTrace.ProbeDistribution = .rademacher,
        seed: UInt64 = 0
    ) {
        self.steps = steps
        self.probes = probes
        self.distribution = distribution
        self.seed = seed
    }

    /// Nodes and weights from `probes` seeded random starts.
    /// - Throws: ``SpectrumError`` for options out of range, a non-finite product, or a LAPACK failure.
    /// - Complexity: n_v·min(m, n) products, plus O(n_v·m²·n) for reorthogonalization.
    public func estimate(of h: SymmetricOperator) throws(SpectrumError) -> SpectralQuadrature {
        try requireOption(probes >= 1, "probes", "\(probes)", "at least 1 probe")
        var starts: [StartVector] = []
        for index in 0..<probes {
            let probeSeed = seed &+ UInt64(index) &* 0x9E37_79B9
            starts.append(distribution == .rademacher ? .rademacher(seed: probeSeed) : .random(seed: probeSeed))
        }
        return try estimate(of: h, startingFrom: starts)
    }

    /// Nodes and weights from given start vectors (each normalized), one Lanczos run each.
    /// - Throws: ``SpectrumError``.
    public func estimate(of h: SymmetricOperator, startingFrom starts: [StartVector]) throws(SpectrumError)
        -> SpectralQuadrature
    {
        try requireOption(steps >= 1, "steps", "\(steps)", "at least 1 Lanczos step")
        try requireOption(!starts.isEmpty, "starts", "[]", "at least one start vector")
        var nodes: [[Double]] = [], weights: [[Double]] = []
        var products = 0
        for start in starts {
            let decomposition = try Lanczos().tridiagonalize(h, steps: min(steps, h.dimension), start: start)
            let rule = try decomposition.quadratureRule()
            nodes.append(rule.nodes)
            weights.append(rule.weights)
            products += decomposition.products
        }
        return SpectralQuadrature(nodes: nodes, weights: weights, products: products)
    }
}

/// The Gauss quadrature rules of SLQ: per probe, nodes θ and weights τ summing to 1.
public struct SpectralQuadrature: Sendable {
    /// θ^{(l)}: the Ritz values of probe l, ascending.
    public let nodes: [[Double]]
    /// τ^{(l)} = (e₁ᵀs_k)² for probe l (each list sums to 1).
    public let weights: [[Double]]
    /// Operator-vector products used, over all probes.
    public let products: Int

    /// (1/n_v)·Σ_l Σ_k τ_k θ_kʲ, the estimate of (1/n)·tr(Hʲ) = (1/n)·Σᵢ λᵢʲ
    /// (exact for each probe's vᵀHʲv when j ≤ 2m − 1).
    public func moment(_ j: Int) -> Double {
        var total = 0.0
        for (theta, tau) in zip(nodes, weights) {
            for (node, weight) in zip(theta, tau) { total += weight * pow(node, Double(j)) }
        }
        return total / Double(nodes.count)
    }

    /// The smallest and largest node over all probes.
    public var nodeRange: ClosedRange<Double> {
        let all = nodes.joined()
        return (all.min() ?? 0)...(all.max() ?? 0)
    }

    /// PyHessian's kernel variance σ² = 1e-5·max(1, θmax − θmin).
    public var defaultKernelVariance: Double { 1e-5 * max(1, nodeRange.upperBound - nodeRange.lowerBound) }

    /// The smoothed density on an even grid from θmin − margin to θmax + margin.
    /// - Parameters:
    ///   - points: grid points, ≥ 2 (10,000 by default, as PyHessian).
    ///   - margin: ≥ 0, 0.01 by default (PyHessian's overhead).
    ///   - kernelVariance: σ² > 0; ``defaultKernelVariance`` when `nil`.
    /// - Throws: ``SpectrumError/invalidOption(name:value:requirement:)``.
    public func density(points: Int = 10_000, margin: Double = 0.01, kernelVariance: Double? = nil) throws(SpectrumError)
        -> SpectralDensity
    {
        try requireOption(points >= 2, "points", "\(points)", "at least 2 grid points")
        try requireOption(margin >= 0, "margin", "\(margin)", "must be ≥ 0")
        let lower = nodeRange.lowerBound - margin, upper = nodeRange.upperBound + margin
        let grid = evenGrid(from: lower, to: upper, points: points)
        return try density(on: grid, kernelVariance: kernelVariance)
    }

    /// The smoothed density (1/n_v)·Σ_l Σ_k τ_k·g_σ(t − θ_k) on `grid`, normalized to unit
    /// integral over the grid (trapezoid rule).
    /// - Throws: ``SpectrumError/invalidOption(name:value:requirement:)`` for a grid that is not
    ///   increasing with ≥ 2 points, or σ² ≤ 0.
    public func density(on grid: [Double], kernelVariance: Double? = nil) throws(SpectrumError) -> SpectralDensity {
        let variance = kernelVariance ?? defaultKernelVariance
        let scale = 1 / Double(nodes.count)
        let locations = Array(nodes.joined())
        let masses = weights.flatMap { $0.map { $0 * scale } }
        return try SpectralDensity(grid: grid, locations: locations, masses: masses, kernelVariance: variance)
    }
}

/// A spectral density on a grid: values φ_σ(t) at increasing points t, with unit integral.
public struct SpectralDensity: Sendable {
    /// The grid points t, increasing.
    public let grid: [Double]
    /// φ_σ(t) at each grid point (≥ 0).
    public let values: [Double]
    /// σ², the variance of the Gaussian kernel.
    public let kernelVariance: Double

    /// The smoothed empirical density (1/n)·Σᵢ g_σ(t − λᵢ) of known eigenvalues, on `grid`,
    /// normalized like SLQ's: the exact curve that SLQ estimates.
    /// - Throws: ``SpectrumError/invalidOption(name:value:requirement:)``.
    public init(eigenvalues: [Double], grid: [Double], kernelVariance: Double) throws(SpectrumError) {
        try requireOption(!eigenvalues.isEmpty, "eigenvalues", "[]", "at least one eigenvalue")
        let mass = 1 / Double(eigenvalues.count)
        try self.init(
            grid: grid, locations: eigenvalues, masses: Array(repeating: mass, count: eigenvalues.count),
            kernelVariance: kernelVariance)
    }

    /// Σ masses·g_σ(t − location), normalized to unit trapezoid integral.
    init(grid: [Double], locations: [Double], masses: [Double], kernelVariance: Double) throws(SpectrumError) {
        try requireOption(
            grid.count >= 2 && zip(grid, grid.dropFirst()).allSatisfy { $0 < $1 }, "grid", "\(grid.count) points",
            "at least 2 points, strictly increasing")
        try requireOption(kernelVariance > 0 && kernelVariance.isFinite, "kernelVariance", "\(kernelVariance)", "must be > 0")
        let normalization = 1 / (2 * Double.pi * kernelVariance).squareRoot()
        let reach = (2 * 40 * kernelVariance).squareRoot()  // exp(−40) ≈ 4e−18: beyond, a kernel adds nothing
        var values = [Double](repeating: 0, count: grid.count)
        for (location, mass) in zip(locations, masses) {
            // Only the grid points within reach of this node (the grid is sorted).
            var index = lowerBoundIndex(of: location - reach, in: grid)
            while index < grid.count && grid[index] <= location + reach {
                let distance = grid[index] - location
                values[index] += mass * normalization * exp(-distance * distance / (2 * kernelVariance))
                index += 1
            }
        }
        let integral = trapezoid(values, grid)
        if integral > 0 { values = values.map { $0 / integral } }
        self.grid = grid
        self.values = values
        self.kernelVariance = kernelVariance
    }

    /// ∫φ dt over the grid by the trapezoid rule (1 after normalization, unless every value is 0).
    public var integral: Double { trapezoid(values, grid) }
}

// MARK: - Grid helpers

/// `points` evenly spaced values from `lower` to `upper` inclusive.
func evenGrid(from lower: Double, to upper: Double, points: Int) -> [Double] {
    let spacing = (upper - lower) / Double(points - 1)
    return (0..<points).map { $0 == points - 1 ? upper : lower + Double($0) * spacing }
}

/// The trapezoid-rule integral of `values` over `grid`.
func trapezoid(_ values: [Double], _ grid: [Double]) -> Double {
    var total = 0.0
    for index in 1..<grid.count { total += (values[index] + values[index - 1]) / 2 * (grid[index] - grid[index - 1]) }
    return total
}

/// The first index whose grid value is ≥ `value` (binary search).
private func lowerBoundIndex(of value: Double, in grid: [Double]) -> Int {
    var low = 0, high = grid.count
    while low < high {
        let middle = (low + high) / 2
        if grid[middle] < value { low = middle + 1 } else { high = middle }
    }
    return low
}
