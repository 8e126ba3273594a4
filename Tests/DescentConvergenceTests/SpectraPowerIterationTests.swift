// Power iteration against THEORY.md §9.1 (A = diag(10, 9, 1), v₀ = ones/√3).

import Foundation
import Testing

@testable import DescentConvergence

@Suite struct SpectraPowerIterationTests {
    let diagonal: SymmetricOperator

    init() throws { diagonal = try SymmetricOperator(matrix: Matrix(diagonal: [10, 9, 1])) }
    let start = StartVector.vector(Matrix(column: [1, 1, 1]))

    /// RQ_k = v_kᵀAv_k with v_k ∝ Aᵏv₀, from THEORY.md §9.1 (11 significant digits).
    @Test func rayleighQuotientsMatchTheTable() throws {
        let run = try PowerIteration(maximumIterations: 101, relativeTolerance: 0).dominantEigenpair(
            of: diagonal, start: start)
        let table: [(k: Int, quotient: Double)] = [
            (1, 9.5054945055), (5, 9.7414665864), (10, 9.8916020104), (20, 9.9854344093), (50, 9.9999734393),
            (100, 9.9999999993),
        ]
        #expect(run.estimates.count == 101 && run.products == 101 && !run.converged)
        #expect(abs(run.estimates[0] - 20.0 / 3) < 1e-14)  // v₀ᵀAv₀ = (10 + 9 + 1)/3
        for (k, quotient) in table {
            // The table rounds to 10 decimals: relative 1e-10 of ~10 covers it with room.
            #expect(abs(run.estimates[k] - quotient) <= 1e-9 * quotient, "k = \(k): \(run.estimates[k])")
        }
    }

    /// 10 − RQ_k = (0.81ᵏ + 9·10^{−2k})/(1 + 0.81ᵏ + 10^{−2k}) → 0.81ᵏ: the ratio tends to 1
    /// (1.00026 at k = 50 — the table's 2.65607e−5 against 2.65614e−5 — and 1 + 7e−10 at k = 100).
    @Test func errorFollowsTheSquaredRatioLaw() throws {
        let run = try PowerIteration(maximumIterations: 101, relativeTolerance: 0).dominantEigenpair(
            of: diagonal, start: start)
        for k in [50, 60, 80, 100] {
            let ratio = (10 - run.estimates[k]) / pow(0.81, Double(k))
            let exact = (1 + 9 * pow(0.01 / 0.81, Double(k))) / (1 + pow(0.81, Double(k)) + pow(0.01, Double(k)))
            // 10 − RQ_k loses digits to cancellation: ε·10/(7e−10) ≈ 3e−6 relative at k = 100.
            #expect(abs(ratio - exact) < 1e-5, "k = \(k): ratio \(ratio), exact \(exact)")
        }
        #expect(abs(run.eigenvalue - 10) < 1e-9 && abs(abs(run.eigenvector[0, 0]) - 1) < 1e-9)
    }

    @Test func stopsOnRelativeChangeAndReportsTheResidual() throws {
        let run = try PowerIteration.pyHessianDefaults.dominantEigenpair(of: diagonal, start: start)
        // The change RQ_k − RQ_{k−1} ≈ 0.19·0.81^{k−1} drops below 1e-3·10 near k = 15,
        // where the error is still 0.81^15 ≈ 0.04: PyHessian's rule stops far from λ₁.
        #expect(run.converged && run.products < 40)
        #expect(abs(run.eigenvalue - 10) > 1e-3)  // the relative-change rule stops far from λ₁
        // For symmetric A some eigenvalue lies within the residual of θ: here λ₁ = 10.
        #expect(abs(run.eigenvalue - 10) <= run.residualNorm)
    }

    @Test func deflationFindsTheTopEigenvaluesInTurn() throws {
        let results = try PowerIteration(maximumIterations: 2000, relativeTolerance: 1e-14).dominantEigenpairs(
            2, of: diagonal, seed: 3)
        #expect(abs(results[0].eigenvalue - 10) < 1e-10)
        #expect(abs(results[1].eigenvalue - 9) < 1e-10)
        #expect(abs(dot(results[0].eigenvector, results[1].eigenvector)) < 1e-8)
    }

    @Test func rejectsBadOptions() {
        #expect(throws: SpectrumError.self) {
            try PowerIteration(maximumIterations: 0).dominantEigenpair(of: diagonal)
        }
        #expect(throws: SpectrumError.self) {
            try PowerIteration(relativeTolerance: -1).dominantEigenpair(of: diagonal)
        }
    }
}
