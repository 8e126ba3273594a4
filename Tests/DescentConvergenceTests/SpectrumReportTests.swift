// SpectrumReport against closed forms: κ on |λ|, the zero threshold
// τ = n·ε·max|λ|, inertia and definiteness from whole spectra and from their
// ends only, and the rates of GD at 1/L (1 − 1/κ) and at 2/(L + μ)
// ((κ − 1)/(κ + 1)), Polyak's heavy ball and Nesterov ((√κ − 1)/(√κ + 1) and
// 1 − 1/√κ) with T(ε) = ⌈ln(1/ε)/(−ln ρ)⌉ (THEORY.md §§1–3).

import DescentConvergence
import Foundation
import Testing

@Suite struct SpectrumReportTests {
    /// ⌈ln(1/ε)/(−ln ρ)⌉ written out again, independently of ConvergenceTheory.
    static func steps(_ rate: Double, _ epsilon: Double = 1e-6) -> Int { Int(ceil(log(1 / epsilon) / -log(rate))) }

    @Test func positiveDefiniteRatesAreTheClosedForms() throws {
        let report = try SpectrumReport(eigenvalues: [10, 1, 2])
        #expect(report.eigenvalues == [1, 2, 10])
        #expect(report.isComplete && report.dimension == 3)
        #expect(report.definiteness == .positiveDefinite)
        #expect(report.inertia == .init(positive: 3, zero: 0, negative: 0))
        #expect(report.conditionNumber == 10)
        #expect(report.largestMagnitude == 10 && report.smallestMagnitude == 1)
        #expect(report.zeroTolerance == 3 * Double.ulpOfOne * 10)

        let theory = report.optimization
        #expect(theory.verdict == .convergesLinearly)
        #expect(theory.largestStableLearningRate == 0.2)
        #expect(theory.largestCurvature == 10 && theory.smallestCurvature == 1 && theory.effectiveConditionNumber == 10)
        try #require(theory.methods.count == 4)
        let κ = 10.0
        let q = (κ.squareRoot() - 1) / (κ.squareRoot() + 1)
        let expected: [(η: Double, μ: Double, ρ: Double)] = [
            (0.1, 0, 1 - 1 / κ),  // GD at 1/L
            (2.0 / 11, 0, (κ - 1) / (κ + 1)),  // GD at 2/(L + μ)
            (4 / pow(10.0.squareRoot() + 1, 2), q * q, q),  // Polyak
            (0.1, q, 1 - 1 / κ.squareRoot()),  // Nesterov, standard tuning
        ]
        for (method, want) in zip(theory.methods, expected) {
            #expect(isClose(method.learningRate, want.η, relative: 1e-14), "\(method.name) \(method.tuning)")
            #expect(isClose(method.momentum + 1, want.μ + 1, relative: 1e-14), "\(method.name)")
            // Polyak's and Nesterov's radii come from double roots: √ε-accurate at worst.
            #expect(isClose(method.rate, want.ρ, relative: 1e-7), "\(method.name): \(method.rate) vs \(want.ρ)")
            #expect(method.iterations == Self.steps(want.ρ), "\(method.name)")
        }
        #expect(theory.methods[0].iterations == 132 && theory.methods[1].iterations == 69)
    }

    @Test func singularPositiveSemidefiniteConvergesInTheRange() throws {
        // −1e-16 is below τ = 3·ε·4 ≈ 2.7e-15: a zero, as numpy.linalg.matrix_rank would count it.
        let report = try SpectrumReport(eigenvalues: [4, -1e-16, 1])
        #expect(report.definiteness == .positiveSemidefinite)
        #expect(report.inertia == .init(positive: 2, zero: 1, negative: 0))
        #expect(report.conditionNumber == .infinity)
        let theory = report.optimization
        #expect(theory.verdict == .convergesInRange)
        #expect(theory.smallestCurvature == 1 && theory.largestCurvature == 4 && theory.effectiveConditionNumber == 4)
        #expect(isClose(theory.methods[1].rate, 3.0 / 5, relative: 1e-14))
        #expect(theory.methods[1].iterations == Self.steps(0.6))
        #expect(theory.explanation.contains("1 zero eigenvalue"))
    }

    @Test func anEigenvalueAboveTheThresholdIsNotZero() throws {
        let report = try SpectrumReport(eigenvalues: [1e-10, 1, 4])
        #expect(report.definiteness == .positiveDefinite)
        #expect(isClose(report.conditionNumber!, 4e10, relative: 1e-12))
    }

    @Test func indefiniteHasNoConvergingStep() throws {
        let report = try SpectrumReport(eigenvalues: [3, -2, 1])
        #expect(report.definiteness == .indefinite)
        #expect(report.inertia == .init(positive: 2, zero: 0, negative: 1))
        #expect(report.conditionNumber == 3)  // max|λ| = 3, min|λ| = 1
        #expect(report.optimization.verdict == .noMinimum)
        #expect(report.optimization.methods.isEmpty)
        #expect(report.optimization.explanation.contains("1 negative eigenvalue (negative curvature)"))
        #expect(isClose(report.optimization.largestStableLearningRate!, 2.0 / 3, relative: 1e-15))
    }

    @Test func negativeDefiniteAndSemidefinite() throws {
        let definite = try SpectrumReport(eigenvalues: [-3, -1])
        #expect(definite.definiteness == .negativeDefinite && definite.conditionNumber == 3)
        #expect(definite.optimization.verdict == .noMinimum && definite.optimization.largestStableLearningRate == nil)
        let semidefinite = try SpectrumReport(eigenvalues: [-3, 0])
        #expect(semidefinite.definiteness == .negativeSemidefinite && semidefinite.conditionNumber == .infinity)
    }

    @Test func zeroMatrixIsFlat() throws {
        let report = try SpectrumReport(eigenvalues: [0, 0, 0])
        #expect(report.definiteness == .positiveSemidefinite && report.conditionNumber == .infinity)
        #expect(report.inertia == .init(positive: 0, zero: 3, negative: 0))
        #expect(report.optimization.verdict == .convergesInRange && report.optimization.methods.isEmpty)
        #expect(report.optimization.explanation.contains("does not move"))
    }

    @Test func oneEigenvalueHasConditionNumberOne() throws {
        let report = try SpectrumReport(eigenvalues: [5])
        #expect(report.conditionNumber == 1 && report.definiteness == .positiveDefinite)
        #expect(report.optimization.methods[1].rate == 0)  // 1 − ηλ = 0 at η = 2/(L + μ) = 1/5
    }

    // MARK: - Ends of the spectrum only

    @Test func theLargestAloneDecideNothingAboutSigns() throws {
        let report = try SpectrumReport(dimension: 5, smallest: [], largest: [4, 9])
        #expect(!report.isComplete && report.largestComputed == 2 && report.smallestComputed == 0)
        #expect(report.definiteness == .unknown)
        #expect(report.conditionNumber == nil && report.largestMagnitude == nil && report.smallestMagnitude == nil)
        #expect(report.inertia == .init(positive: nil, zero: nil, negative: nil))
        #expect(report.optimization.verdict == .unknown)
        #expect(report.optimization.largestStableLearningRate == 2.0 / 9 && report.optimization.methods.isEmpty)
    }

    @Test func bothEndsGiveTheSameRatesAsTheWholeSpectrum() throws {
        let whole = [0.5, 0.7] + (1...97).map { 1 + 6 * Double($0) / 97 } + [8]
        let full = try SpectrumReport(eigenvalues: whole)
        let ends = try SpectrumReport(dimension: 100, smallest: [0.5, 0.7], largest: [8])
        #expect(ends.definiteness == .positiveDefinite && ends.conditionNumber == 16)
        #expect(ends.inertia == .init(positive: 100, zero: 0, negative: 0))
        #expect(ends.optimization.verdict == .convergesLinearly)
        for (a, b) in zip(ends.optimization.methods, full.optimization.methods) {
            #expect(isClose(a.rate, b.rate, relative: 1e-12) && a.iterations == b.iterations, "\(a.name)")
        }
        #expect(isClose(ends.optimization.methods[1].rate, 15.0 / 17, relative: 1e-14))
    }

    @Test func smallestOnlyCountsNegativesWhenTheyReachZero() throws {
        let unknown = try SpectrumReport(dimension: 10, smallest: [-1, -0.5], largest: [])
        #expect(unknown.inertia.negative == nil && unknown.definiteness == .unknown)
        let crossing = try SpectrumReport(dimension: 10, smallest: [-1, 0.5], largest: [])
        #expect(crossing.inertia == .init(positive: 9, zero: 0, negative: 1))
        #expect(crossing.definiteness == .indefinite)
        #expect(crossing.smallestMagnitude == 0.5 && crossing.conditionNumber == nil)  // max|λ| needs λmax
        let positive = try SpectrumReport(dimension: 10, smallest: [2, 3], largest: [])
        #expect(positive.definiteness == .positiveDefinite)
        #expect(positive.optimization.verdict == .unknown)  // L unknown: no step size can be given
        #expect(positive.optimization.explanation.contains("λmax is unknown"))
    }

    @Test func zerosAtTheBottomWithTheTopGiveInfiniteConditionNumber() throws {
        let report = try SpectrumReport(dimension: 6, smallest: [0, 0, 2], largest: [10])
        #expect(report.definiteness == .positiveSemidefinite)
        #expect(report.inertia == .init(positive: 4, zero: 2, negative: 0))
        #expect(report.conditionNumber == .infinity)
        #expect(report.optimization.verdict == .convergesInRange)
        #expect(report.optimization.smallestCurvature == 2)
        #expect(isClose(report.optimization.methods[1].rate, 8.0 / 12, relative: 1e-14))
    }

    @Test func overlappingEndsAreTheWholeSpectrum() throws {
        let report = try SpectrumReport(dimension: 3, smallest: [1, 2], largest: [2, 10])
        #expect(report.isComplete && report.eigenvalues == [1, 2, 10] && report.conditionNumber == 10)
    }

    @Test func badInputsThrow() {
        #expect(throws: ConvergenceError.self) { try SpectrumReport(eigenvalues: []) }
        #expect(throws: ConvergenceError.self) { try SpectrumReport(eigenvalues: [1, .nan]) }
        #expect(throws: ConvergenceError.self) { try SpectrumReport(dimension: 3, smallest: [2, 1], largest: []) }
        #expect(throws: ConvergenceError.self) { try SpectrumReport(dimension: 1, smallest: [1, 2], largest: []) }
    }

    @Test func jsonRoundTripKeepsInfinity() throws {
        let report = try SpectrumReport(eigenvalues: [0, 1, 4])
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try encoder.encode(report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"conditionNumber\":\"Infinity\""))
        #expect(text.contains("\"definiteness\":\"positive semidefinite\""))
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        #expect(try decoder.decode(SpectrumReport.self, from: data) == report)
    }
}
