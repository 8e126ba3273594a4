// Hutchinson's trace estimator, with the uncertainty PyHessian leaves out.
//
// Design note. Goals, in order:
// 1. An estimate with its error bar: tr(H) ≈ (1/s)·Σⱼ zⱼᵀHzⱼ with E[zzᵀ] = I,
//    reported with the sample standard deviation of the zᵀHz, the standard
//    error s_d/√s and a two-sided Student-t interval with s − 1 degrees of
//    freedom (the normal 95% factor 1.96 would be too narrow for a few probes).
// 2. Cheap: probes go through the operator in blocks of k columns (one
//    forward-over-reverse sweep for k directions on a network).
// 3. Reproducible: probe j depends only on the seed and j, not on the block size.
// The variance of one sample is 2Σ_{i≠j}H_ij² for Rademacher probes (0 for a
// diagonal H) and 2‖H‖²_F for Gaussian ones (THEORY.md §9.3), so Rademacher is
// the default. PyHessian's `trace(maxIter=100, tol=1e-3)` stop on the relative
// change of the running mean is available, but the change of a running mean is
// not its error: prefer a fixed number of probes and the interval.
// Sources: Hutchinson 1989, Commun. Stat. Simul. Comput. 18(3); Avron & Toledo
// 2011, J. ACM 58(2); Yao et al., "PyHessian", IEEE BigData 2020.

import DescentLinalg

/// Hutchinson's stochastic estimate of tr(H), with a confidence interval.
///
/// ```swift
/// let estimate = try HutchinsonTrace(probes: 100, seed: 1).estimate(of: hessian)
/// print(estimate.mean, estimate.confidenceInterval)   // Student-t, 95%
/// ```
public struct HutchinsonTrace: Sendable {
    /// The distribution of the probe entries (both have E[zzᵀ] = I).
    public enum ProbeDistribution: Sendable, Hashable {
        /// Independent ±1 entries: the smallest variance, 2Σ_{i≠j}H_ij².
        case rademacher
        /// Independent 𝒩(0, 1) entries: variance 2‖H‖²_F.
        case gaussian
    }

    /// s, the number of probes (the most, with a relative-change stop); ≥ 1.
    public var probes: Int
    /// Rademacher (default) or Gaussian.
    public var distribution: ProbeDistribution
    /// Probes per operator call (≥ 1): a network sweeps k directions at once.
    public var blockSize: Int
    /// The seed of the probes.
    public var seed: UInt64
    /// PyHessian's stop: after a probe, stop when |m_j − m_{j−1}| < tol·(|m_{j−1}| + 1e-6)
    /// for the running means m; `nil` (default) uses all `probes`.
    public var relativeChangeTolerance: Double?
    /// The coverage of the interval, in (0, 1); 0.95 by default.
    public var confidenceLevel: Double

    /// A trace estimator.
    /// - Parameters:
    ///   - probes: s ≥ 1, 100 by default (PyHessian's `maxIter`).
    ///   - distribution: ``ProbeDistribution/rademacher`` by default.
    ///   - blockSize: ≥ 1, 10 by default.
    ///   - seed: 0 by default.
    ///   - relativeChangeTolerance: `nil` by default (PyHessian uses 1e-3).
    ///   - confidenceLevel: 0.95 by default.
    public init(
        probes: Int = 100, distribution: ProbeDistribution = .rademacher, blockSize: Int = 10, seed: UInt64 = 0,
        relativeChangeTolerance: Double? = nil, confidenceLevel: Double = 0.95
    ) {
        self.probes = probes
        self.distribution = distribution
        self.blockSize = blockSize
        self.seed = seed
        self.relativeChangeTolerance = relativeChangeTolerance
        self.confidenceLevel = confidenceLevel
    }

    // MARK: - Estimating

    /// The estimate of tr(H) from seeded random probes.
    /// - Throws: ``SpectrumError/invalidOption(name:value:requirement:)`` for options
    ///   out of range; ``SpectrumError/nonFiniteProduct(what:)``.
    /// - Complexity: s products H·z (⌈s/k⌉ operator calls), plus O(n·s).
    public func estimate(of h: SymmetricOperator) throws(SpectrumError) -> TraceEstimate {
        try validate()
        let n = h.dimension
        try requireOption(n >= 1, "dimension", "\(n)", "the operator must act on at least one coordinate")
        var generator = Xoshiro256StarStar(seed: seed)
        var samples: [Double] = []
        var products = 0
        var stopped = false
        while samples.count < probes && !stopped {
            let width = min(blockSize, probes - samples.count)
            let block = probeBlock(rows: n, columns: width, using: &generator)
            let blockSamples = try quadraticForms(of: h, probes: block)
            products += width
            for sample in blockSamples {
                samples.append(sample)
                if shouldStop(samples) {
                    stopped = true
                    break
                }
            }
        }
        return TraceEstimate(samples: samples, products: products, stoppedOnRelativeChange: stopped, level: confidenceLevel)
    }

    /// The estimate from given probe vectors (the columns of an n×s matrix), in one operator call.
    /// With all 2ⁿ sign vectors of a small matrix this enumerates the estimator's distribution exactly.
    /// - Throws: ``SpectrumError/vectorShape(expected:rows:columns:)`` when the probes do not have n rows.
    public func estimate(of h: SymmetricOperator, probes given: Matrix<Double>) throws(SpectrumError) -> TraceEstimate {
        try requireOption(
            confidenceLevel > 0 && confidenceLevel < 1, "confidenceLevel", "\(confidenceLevel)", "must be in (0, 1)")
        guard given.rows == h.dimension && given.columns >= 1 else {
            throw .vectorShape(expected: h.dimension, rows: given.rows, columns: given.columns)
        }
        let samples = try quadraticForms(of: h, probes: given)
        return TraceEstimate(samples: samples, products: given.columns, stoppedOnRelativeChange: false, level: confidenceLevel)
    }

    /// The variance of one sample zᵀHz for a symmetric matrix H:
    /// 2Σ_{i≠j}H_ij² (Rademacher) or 2‖H‖²_F (Gaussian). The estimate of s probes has variance this/s.
    public static func singleProbeVariance(of matrix: Matrix<Double>, distribution: ProbeDistribution) -> Double {
        let frobenius = matrix.squaredFrobeniusNorm
        switch distribution {
        case .gaussian:
            return 2 * frobenius
        case .rademacher:
            return 2 * (frobenius - matrix.diagonal.reduce(0) { $0 + $1 * $1 })
        }
    }

    // MARK: - Helpers

    private func validate() throws(SpectrumError) {
        try requireOption(probes >= 1, "probes", "\(probes)", "at least 1 probe")
        try requireOption(blockSize >= 1, "blockSize", "\(blockSize)", "at least 1 probe per block")
        try requireOption(
            confidenceLevel > 0 && confidenceLevel < 1, "confidenceLevel", "\(confidenceLevel)", "must be in (0, 1)")
        if let tolerance = relativeChangeTolerance {
            try requireOption(tolerance >= 0, "relativeChangeTolerance", "\(tolerance)", "must be ≥ 0")
        }
    }

    /// PyHessian's rule on the running means after the newest sample.
    private func shouldStop(_ samples: [Double]) -> Bool {
        guard let tolerance = relativeChangeTolerance, samples.count >= 2 else { return false }
        let count = Double(samples.count)
        let previousMean = (samples.reduce(0, +) - samples.last!) / (count - 1)
        let mean = previousMean + (samples.last! - previousMean) / count
        return abs(mean - previousMean) < tolerance * (abs(previousMean) + 1e-6)
    }

    /// An n×k block of probes; probe j uses the generator's draws for probe j alone.
    private func probeBlock(rows n: Int, columns k: Int, using generator: inout Xoshiro256StarStar) -> Matrix<Double> {
        var elements = [Double](repeating: 0, count: n * k)
        for j in 0..<k {
            let column: Matrix<Double> =
                switch distribution {
                case .rademacher: rademacherMatrix(rows: n, columns: 1, using: &generator)
                case .gaussian: .randomNormal(rows: n, columns: 1, using: &generator)
                }
            column.withUnsafeElements { values in
                for i in 0..<n { elements[i * k + j] = values[i] }
            }
        }
        return Matrix(rows: n, columns: k, elements: elements)
    }

    /// zⱼᵀ(H·Z)ⱼ for every column j of Z.
    private func quadraticForms(of h: SymmetricOperator, probes z: Matrix<Double>) throws(SpectrumError) -> [Double] {
        let product = h.apply(to: z)
        let (n, k) = (z.rows, z.columns)
        var samples = [Double](repeating: 0, count: k)
        z.withUnsafeElements { zValues in
            product.withUnsafeElements { hzValues in
                for i in 0..<n {
                    for j in 0..<k { samples[j] += zValues[i * k + j] * hzValues[i * k + j] }
                }
            }
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteProduct(what: "H·z for Hutchinson probe \(bad + 1) of a block")
        }
        return samples
    }
}

/// A Monte Carlo estimate of a trace with its uncertainty.
public struct TraceEstimate: Sendable {
    /// The sample mean (1/s)·Σ zⱼᵀHzⱼ, the estimate of tr(H).
    public let mean: Double
    /// The sample standard deviation of the zⱼᵀHzⱼ (divisor s − 1; NaN for s = 1).
    public let standardDeviation: Double
    /// standardDeviation/√s, the standard deviation of the mean.
    public let standardError: Double
    /// mean ± t_{(1+level)/2, s−1}·standardError, Student's t with s − 1 degrees of
    /// freedom (two-sided); (−∞, ∞) for s = 1.
    public let confidenceInterval: ClosedRange<Double>
    /// The interval's nominal coverage (0.95 by default).
    public let confidenceLevel: Double
    /// Every zⱼᵀHzⱼ, in probe order.
    public let samples: [Double]
    /// Operator-vector products used (may exceed the samples kept when the relative-change rule stopped mid-block).
    public let products: Int
    /// Whether PyHessian's relative-change rule ended the estimate.
    public let stoppedOnRelativeChange: Bool

    /// s, the number of probes averaged.
    public var probes: Int { samples.count }

    init(samples: [Double], products: Int, stoppedOnRelativeChange: Bool, level: Double) {
        self.samples = samples
        self.products = products
        self.stoppedOnRelativeChange = stoppedOnRelativeChange
        self.confidenceLevel = level
        // Shifted by the first sample: exact zero variance when all samples agree (a diagonal H with Rademacher probes).
        let count = Double(samples.count)
        let shift = samples[0]
        let shiftedMean = samples.reduce(0) { $0 + ($1 - shift) } / count
        mean = shift + shiftedMean
        if samples.count >= 2 {
            let squares = samples.reduce(0) { $0 + ($1 - shift - shiftedMean) * ($1 - shift - shiftedMean) }
            standardDeviation = (squares / (count - 1)).squareRoot()
            standardError = standardDeviation / count.squareRoot()
            let factor = StudentT.quantile((1 + level) / 2, degreesOfFreedom: count - 1)
            confidenceInterval = (mean - factor * standardError)...(mean + factor * standardError)
        } else {
            standardDeviation = .nan
            standardError = .nan
            confidenceInterval = -Double.infinity...Double.infinity
        }
    }
}
