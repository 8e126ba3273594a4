// Building bowls: prescribed spectra hit the requested κ exactly, the bowl's
// value and gradient are the quadratic's, Nesterov's worst case has its
// closed-form spectrum, least squares gives XᵀX/N, and bad input is refused.

import DescentConvergence
import Foundation
import Testing

@Suite struct QuadraticBowlTests {
    @Test(arguments: [SpectrumShape.linear, .logUniform, .clustered(count: 4, relativeWidth: 0.05), .outliers(count: 3)])
    func spectrumShapesHitTheirConditionNumber(_ shape: SpectrumShape) throws {
        let values = try shape.eigenvalues(dimension: 50, conditionNumber: 1e3, smallest: 0.5)
        #expect(values.count == 50)
        #expect(values.first == 0.5 && values.last == 500)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func clusteredSpectrumHasThatManyClusters() throws {
        let values = try SpectrumShape.clustered(count: 5, relativeWidth: 0).eigenvalues(dimension: 100, conditionNumber: 1e4)
        #expect(Set(values).count == 5)
    }

    @Test func invalidParametersAreRefusedWithTheirName() {
        #expect(throws: ConvergenceError.invalidParameter(name: "dimension", value: 0, requirement: "at least 1")) {
            try QuadraticBowl(dimension: 0, conditionNumber: 10)
        }
        #expect(throws: ConvergenceError.self) { try QuadraticBowl(dimension: 3, conditionNumber: 0.5) }
        #expect(throws: ConvergenceError.self) { try QuadraticBowl(dimension: 3, conditionNumber: .infinity) }
        #expect(throws: ConvergenceError.self) { try FirstOrderMethod.heavyBall(learningRate: 0.1, momentum: 1).makeOptimizer() }
        #expect(throws: ConvergenceError.self) { try FirstOrderMethod.gradientDescent(learningRate: -1).makeOptimizer() }
        let message = "\(ConvergenceError.invalidParameter(name: "momentum", value: 1, requirement: "in [0, 1)"))"
        #expect(message == "momentum = 1 is not allowed: it must be in [0, 1)")
    }

    @Test func rotatedBowlValueAndGradient() throws {
        let bowl = try QuadraticBowl(
            dimension: 30, conditionNumber: 100, basis: .random(seed: 4), minimizer: Matrix(column: (0..<30).map(Double.init)),
            minimumValue: 2)
        #expect(abs(bowl.conditionNumber - 100) < 1e-12)
        var generator = Xoshiro256StarStar(seed: 9)
        let w = Matrix<Double>.randomNormal(rows: 30, columns: 1, using: &generator)
        // E(w) − E* = ½ Σ λᵢ αᵢ² in eigen-coordinates; ∇E = Hᵀ(w − w*) against central differences.
        let α = bowl.eigenCoordinates(of: w)
        let expected = zip(bowl.eigenvalues, α).reduce(0) { $0 + 0.5 * $1.0 * $1.1 * $1.1 }
        #expect(abs(bowl.value(at: w) - 2 - expected) <= 1e-10 * expected)
        let g = bowl.gradient(at: w)
        for i in [0, 7, 29] {
            var plus = w
            var minus = w
            plus[i, 0] += 1e-4
            minus[i, 0] -= 1e-4
            let difference = (bowl.value(at: plus) - bowl.value(at: minus)) / 2e-4
            #expect(abs(difference - g[i, 0]) <= 1e-6 * max(1, abs(g[i, 0])))  // exact for a quadratic up to rounding
        }
        let back = bowl.point(withEigenCoordinates: α)
        #expect(back.maxAbsoluteDifference(w) < 1e-12)
    }

    /// The closed-form spectrum of Nesterov's tridiagonal matrix equals LAPACK's, and its minimizer solves Hx = b.
    @Test func worstCaseClosedForm() throws {
        let bowl = try QuadraticBowl.nesterovWorstCase(dimension: 60, conditionNumber: 100)
        let lapack = try SymmetricEigen(of: bowl.hessian, computeVectors: false)
        for (a, b) in zip(bowl.eigenvalues, lapack.values) { #expect(abs(a - b) <= 1e-12 * 100) }
        #expect(bowl.eigenvalues.first! > 1 && bowl.eigenvalues.last! < 100)
        let b = gemv(bowl.hessian, bowl.minimizer)
        #expect(abs(b[0, 0] - 99.0 / 4) < 1e-12 && b.elements.dropFirst().allSatisfy { abs($0) < 1e-12 })
        // x*ᵢ decays like qⁱ, q = 9/11 (exactly so in infinite dimension).
        #expect(abs(bowl.minimizer[11, 0] / bowl.minimizer[10, 0] - 9.0 / 11) < 1e-6)
    }

    @Test func leastSquaresHessianIsTheSecondMomentMatrix() throws {
        let x = Matrix<Double>([[1, 110], [2, 90], [3, 100], [4, 120], [5, 80]])
        let t = Matrix<Double>(column: [1, 0, 2, 1, 3])
        let problem = try LeastSquaresProblem(features: x, targets: t, preprocessing: .raw, intercept: true)
        #expect(problem.bowl.hessian.maxAbsoluteDifference(Matrix([[11, 294, 3], [294, 10200, 100], [3, 100, 1]])) < 1e-9)
        // The gradient at w* vanishes (normal equations), and the mean of the per-example gradients is the gradient.
        #expect(problem.bowl.gradient(at: problem.bowl.minimizer).frobeniusNorm < 1e-10)
        let w = Matrix<Double>(column: [0.1, -0.01, 0.5])
        let mean = problem.perExampleGradients(at: w).mean(alongAxis: 0)
        #expect(mean.transposed().maxAbsoluteDifference(problem.bowl.gradient(at: w)) < 1e-10)
        #expect(problem.gradient(at: w, over: Array(0..<5)).maxAbsoluteDifference(problem.bowl.gradient(at: w)) < 1e-10)
    }

    @Test func leastSquaresRefusesBadData() {
        let nan = Matrix<Double>([[1, .nan], [2, 3]])
        #expect(throws: ConvergenceError.invalidProblem("feature at row 1, column 2 is nan; remove or impute it first")) {
            try LeastSquaresProblem(features: nan, targets: Matrix(column: [1, 2]))
        }
        #expect(throws: ConvergenceError.self) { try LeastSquaresProblem(features: Matrix([[1, 2]]), targets: Matrix(column: [1, 2])) }
        #expect(throws: ConvergenceError.self) { try LeastSquaresProblem(features: Matrix([[1], [1]]), targets: Matrix(column: [1, 2])) }
    }

    @Test func bowlFromFilesAndTheirErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bowl-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Matrix<Double>([[5.5, 4.5], [4.5, 5.5]]).save(to: directory + "/h.npy")
        let bowl = try QuadraticBowl(contentsOf: directory + "/h.npy")
        #expect(abs(bowl.conditionNumber - 10) < 1e-12)
        try Matrix<Double>([[1, 2], [0, 1]]).save(to: directory + "/skew.csv")
        let error = #expect(throws: ConvergenceError.self) { try QuadraticBowl(contentsOf: directory + "/skew.csv") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("symmetric"), "\(String(describing: error))")
        #expect(throws: ConvergenceError.self) { try QuadraticBowl(contentsOf: directory + "/missing.npy") }
    }

    @Test func iterateRefusesBadRulesAndStopsOnDivergence() throws {
        let bowl = try QuadraticBowl(dimension: 5, conditionNumber: 10, basis: .axisAligned)
        var sgd = try SGD<Double>(learningRate: 0.5)
        let start = try bowl.startingPoint(.equalCoordinates)
        #expect(throws: ConvergenceError.self) { try bowl.iterate(with: &sgd, from: start, until: .relativeError(1)) }
        let run = try bowl.iterate(with: &sgd, from: start, until: .relativeError(1e-6), maximumSteps: 10_000)
        #expect(run.ending == .diverged && run.steps < 10_000)  // η = 0.5 > 2/L = 0.2
    }
}
