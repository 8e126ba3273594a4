// Hutchinson's trace estimator against THEORY.md §9.3, closed-form variances,
// SciPy's t quantiles, and the coverage of its interval.

import Testing

@testable import DescentConvergence

@Suite struct SpectraHutchinsonTests {
    /// B of THEORY.md §9.3: tr = 9, ‖B‖²_F = 33, Σ B_ii² = 29.
    let b = Matrix<Double>([[2, 1, 0], [1, 3, 1], [0, 1, 4]])

    @Test func enumeratingAllSignVectorsGivesTheExactDistribution() throws {
        let h = try SymmetricOperator(matrix: b)
        // The 8 sign vectors as columns.
        let signs = Matrix<Double>(rows: 3, columns: 8) { i, j in (j >> i) & 1 == 0 ? 1 : -1 }
        let estimate = try HutchinsonTrace().estimate(of: h, probes: signs)
        #expect(Set(estimate.samples) == [5, 9, 13])
        #expect(estimate.mean == 9)
        // Population variance over the 8 equally likely values: 8 exactly (the sample variance is 8·8/7).
        let population = estimate.samples.reduce(0) { $0 + ($1 - 9) * ($1 - 9) } / 8
        #expect(population == 8)
        #expect(abs(estimate.standardDeviation * estimate.standardDeviation - 64.0 / 7) < 1e-13)
        #expect(HutchinsonTrace.singleProbeVariance(of: b, distribution: .rademacher) == 8)
        #expect(HutchinsonTrace.singleProbeVariance(of: b, distribution: .gaussian) == 66)
    }

    /// 40,000 probes: the sample variance of zᵀBz estimates 8 (Rademacher) and 66 (Gaussian).
    /// Its relative standard deviation is √((μ₄/σ⁴ − 1)/s) ≈ 1–2% here, so 6% is over 3σ.
    @Test(arguments: [(HutchinsonTrace.ProbeDistribution.rademacher, 8.0), (.gaussian, 66.0)])
    func simulatedVarianceMatchesTheFormula(distribution: HutchinsonTrace.ProbeDistribution, variance: Double) throws {
        let estimate = try HutchinsonTrace(probes: 40_000, distribution: distribution, blockSize: 2000, seed: 3)
            .estimate(of: try SymmetricOperator(matrix: b))
        let sampleVariance = estimate.standardDeviation * estimate.standardDeviation
        #expect(abs(sampleVariance - variance) < 0.06 * variance, "\(distribution): \(sampleVariance)")
        #expect(estimate.confidenceInterval.contains(9) && estimate.products == 40_000)
    }

    @Test func diagonalMatrixHasZeroVarianceWithRademacherProbes() throws {
        let d = Matrix<Double>(diagonal: [0.3, -1.7, 2.25, 1e3, 4e-4])
        let estimate = try HutchinsonTrace(probes: 17, blockSize: 4).estimate(of: try SymmetricOperator(matrix: d))
        #expect(estimate.samples.allSatisfy { $0 == estimate.samples[0] })
        #expect(estimate.standardDeviation == 0 && estimate.standardError == 0)
        #expect(abs(estimate.mean - d.trace) <= 1e-15 * 1e3)
        #expect(estimate.products == 17 && estimate.probes == 17)
    }

    @Test func probesDoNotDependOnTheBlockSize() throws {
        let h = try SymmetricOperator(matrix: b)
        let one = try HutchinsonTrace(probes: 12, blockSize: 1, seed: 8).estimate(of: h)
        let five = try HutchinsonTrace(probes: 12, blockSize: 5, seed: 8).estimate(of: h)
        #expect(one.samples == five.samples)
    }

    /// 200 independent estimates of 30 probes each on a 40×40 matrix: the 95% Student-t
    /// interval should contain the trace in about 190 of them. Binomial(200, 0.95) has
    /// standard deviation 3.1; 180…198 allows for that and for the mild skew of zᵀHz.
    @Test func confidenceIntervalCoversTheTrace() throws {
        var generator = Xoshiro256StarStar(seed: 21)
        let spectrum = (0..<40).map { _ in Double.random(in: -1...3, using: &generator) }
        let a = try Matrix<Double>.randomSymmetric(eigenvalues: spectrum, using: &generator).matrix
        let h = try SymmetricOperator(matrix: a)
        var covered = 0
        for seed in 0..<200 {
            let estimate = try HutchinsonTrace(probes: 30, blockSize: 30, seed: UInt64(seed)).estimate(of: h)
            if estimate.confidenceInterval.contains(a.trace) { covered += 1 }
        }
        #expect((180...198).contains(covered), "covered \(covered) of 200")
    }

    @Test func relativeChangeRuleStopsEarly() throws {
        let h = try SymmetricOperator(matrix: b)
        let estimate = try HutchinsonTrace(probes: 1000, blockSize: 1, seed: 2, relativeChangeTolerance: 1e-3)
            .estimate(of: h)
        #expect(estimate.stoppedOnRelativeChange && estimate.probes < 1000 && estimate.products == estimate.probes)
    }

    /// scipy.stats.t.ppf, printed by scripts/hessian_spectra_reference_values.py.
    @Test(arguments: [
        (0.975, 1.0, 12.706204736174694), (0.975, 2, 4.302652729749462), (0.975, 5, 2.5705818356363146),
        (0.975, 9, 2.262157162798205), (0.975, 29, 2.045229642132703), (0.975, 99, 1.9842169515864174),
        (0.975, 1000, 1.9623390808264083), (0.95, 1, 6.313751514675037), (0.95, 29, 1.6991270265334972),
        (0.995, 2, 9.924843200918287), (0.995, 99, 2.626405457280827),
    ])
    func studentQuantilesMatchSciPy(probability: Double, degreesOfFreedom: Double, expected: Double) {
        let computed = StudentT.quantile(probability, degreesOfFreedom: degreesOfFreedom)
        #expect(abs(computed - expected) <= 1e-11 * expected, "t(\(probability), \(degreesOfFreedom)) = \(computed)")
        #expect(abs(StudentT.quantile(1 - probability, degreesOfFreedom: degreesOfFreedom) + computed) < 1e-15)
    }

    @Test func rejectsBadOptions() throws {
        let h = try SymmetricOperator(matrix: b)
        #expect(throws: SpectrumError.self) { try HutchinsonTrace(probes: 0).estimate(of: h) }
        #expect(throws: SpectrumError.self) { try HutchinsonTrace(blockSize: 0).estimate(of: h) }
        #expect(throws: SpectrumError.self) { try HutchinsonTrace(confidenceLevel: 1).estimate(of: h) }
        #expect(throws: SpectrumError.vectorShape(expected: 3, rows: 2, columns: 1)) {
            try HutchinsonTrace().estimate(of: h, probes: Matrix(column: [1, 1]))
        }
    }
}
