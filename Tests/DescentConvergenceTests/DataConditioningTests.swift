// LeCun et al. 1998: centring and standardizing the inputs shrinks κ of the
// least-squares Hessian (THEORY.md §8), on the worked example and on the
// bundled digits, wine and breast-cancer data.

import DescentConvergence
import DescentTraining
import Testing

@Suite struct DataConditioningTests {
    static let example = Matrix<Double>([[1, 110], [2, 90], [3, 100], [4, 120], [5, 80]])

    @Test func workedExample() throws {
        let raw = try ConditioningReport(features: Self.example, preprocessing: .raw)
        #expect(isClose(raw.smallestEigenvalue, 2.5237850838, relative: 1e-9))
        #expect(isClose(raw.largestEigenvalue, 10208.4762149162, relative: 1e-12))
        #expect(isClose(raw.conditionNumber, 4044.9071041, relative: 1e-9))
        #expect(isClose(raw.optimalRate, 0.9995056733, relative: 1e-10))
        // THEORY prints T(1e−6) = ln(1/ε)/(−ln ρ) unrounded for this row (27941.4).
        #expect(abs(ConvergenceTheory.fractionalIterations(toReduceErrorBy: 1e-6, rate: raw.optimalRate) - 27941) < 1)
        #expect(raw.predictedIterations == 27942)
        let rawBias = try ConditioningReport(features: Self.example, preprocessing: .raw, intercept: true)
        #expect(isClose(rawBias.conditionNumber, 724255.685, relative: 1e-8))
        let centred = try ConditioningReport(features: Self.example, preprocessing: .centered)
        #expect(isClose(centred.conditionNumber, 110.0898176, relative: 1e-9))
        #expect(centred.predictedIterations == 761)  // 760.5 rounded up
        let standardized = try ConditioningReport(features: Self.example, preprocessing: .standardized)
        #expect(isClose(standardized.conditionNumber, 1.8571428571, relative: 1e-10))
        #expect(isClose(standardized.smallestEigenvalue, 0.7, relative: 1e-12) && isClose(standardized.largestEigenvalue, 1.3, relative: 1e-12))
        #expect(standardized.predictedIterations == 12)  // 11.47
        let standardizedBias = try ConditioningReport(features: Self.example, preprocessing: .standardized, intercept: true)
        #expect(isClose(standardizedBias.conditionNumber, 1.8571428571, relative: 1e-10))
    }

    /// Digits, 61 non-constant pixels: κ 6.495e6 raw, 4.342e5 centred, 145.80 standardized.
    @Test func digits() throws {
        let digits = try Dataset<Double>.load(.digits)
        let reports = try ConditioningReport.all(features: digits.features)
        #expect(reports.allSatisfy { $0.droppedColumns.count == 3 })
        #expect(isClose(reports[0].largestEigenvalue, 2676.557, relative: 1e-6))
        #expect(isClose(reports[0].conditionNumber, 6.495e6, relative: 1e-3))
        #expect(isClose(reports[1].largestEigenvalue, 178.907, relative: 1e-5))
        #expect(isClose(reports[1].conditionNumber, 4.342e5, relative: 1e-3))
        #expect(isClose(reports[2].largestEigenvalue, 7.3407, relative: 1e-4))
        #expect(isClose(reports[2].conditionNumber, 145.80, relative: 1e-4))
    }

    /// Wine and breast cancer: standardizing shrinks κ by orders of magnitude (≥ 100×), and gradient
    /// descent at η* needs about the predicted number of iterations on each (within the bound: GD's
    /// error contracts by at most ρ per step, so measured ≤ predicted).
    @Test(arguments: [BundledDataset.wine, .breastCancer])
    func standardizationShrinksKappa(_ name: BundledDataset) throws {
        let data = try Dataset<Double>.load(name)
        let targets = Matrix<Double>(column: (0..<data.count).map { data.targets[$0, 0] })
        let raw = try LeastSquaresProblem(features: data.features, targets: targets, preprocessing: .raw)
        let standardized = try LeastSquaresProblem(features: data.features, targets: targets, preprocessing: .standardized)
        let rawReport = ConditioningReport(problem: raw)
        let standardizedReport = ConditioningReport(problem: standardized)
        #expect(rawReport.conditionNumber / standardizedReport.conditionNumber > 100, "\(rawReport.conditionNumber) vs \(standardizedReport.conditionNumber)")
        let theory = try ConvergenceTheory(bowl: standardized.bowl)
        var gd = try theory.gradientDescentOptimal.makeOptimizer()
        let run = try standardized.bowl.iterate(with: &gd, from: Matrix(rows: standardized.features.columns, columns: 1), until: .relativeError(1e-6),
            maximumSteps: (standardizedReport.predictedIterations ?? 0) + 10)
        let predicted = try #require(standardizedReport.predictedIterations)
        #expect(run.ending == .reachedTolerance && run.steps <= predicted, "\(run.steps) vs \(predicted)")
    }
}
