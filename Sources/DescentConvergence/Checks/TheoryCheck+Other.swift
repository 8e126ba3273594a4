// The claims of THEORY.md §2 (effective learning rate), §5 (SGD on least
// squares), §6 (adaptive methods) and §8 (input standardization).

import DescentLinalg
import DescentOptimizers
import DescentTraining

extension TheoryCheck {
    /// §2: under a (nearly) constant gradient heavy ball's step tends to η/(1 − μ).
    func momentumClaims() throws(ConvergenceError) -> [TheoryCheckResult] {
        // A 1-D bowl with tiny curvature: the gradient barely changes over 200 steps.
        let bowl = try QuadraticBowl(eigenvalues: [1e-9], eigenvectors: .identity(1))
        var results: [TheoryCheckResult] = []
        for μ in [0.5, 0.9, 0.99] {
            var sgd = try FirstOrderMethod.heavyBall(learningRate: 0.1, momentum: μ).makeOptimizer()
            let start = Matrix<Double>(column: [1000])
            let run = try bowl.iterate(with: &sgd, from: start, until: .steps(2000))
            let g = bowl.gradient(at: start)[0, 0]
            let measured = (run.finalPoint[0] - 1000) - 0  // total displacement
            let predicted = (1...2000).reduce(0.0) { $0 + heavyBallVelocity(learningRate: 0.1, momentum: μ, gradient: g, steps: $1) }
            let lastStep = heavyBallVelocity(learningRate: 0.1, momentum: μ, gradient: g, steps: 2000)
            results.append(
                TheoryCheckResult(
                    section: "§2 heavy ball", claim: "effective learning rate η/(1 − μ) under a constant gradient",
                    setting: "1-D bowl λ = 1e-9, η = 0.1, μ = \(μ), 2000 steps", predicted: predicted, measured: measured,
                    criterion: "relative difference ≤ 1e-3 (last step −ηg(1−μᵏ)/(1−μ) = \(lastStep.short))",
                    passed: abs(measured / predicted - 1) <= 1e-3))
        }
        return results
    }

    /// §6: diagonal preconditioners undo an axis-aligned κ but not a rotated one.
    func adaptiveClaims() throws(ConvergenceError) -> [TheoryCheckResult] {
        let half = (0.5 as Double).squareRoot()
        let rotation = Matrix<Double>([[half, -half], [half, half]])
        let diagonal = try QuadraticBowl(eigenvalues: [1, 100], eigenvectors: .identity(2))
        let rotated = try QuadraticBowl(eigenvalues: [1, 100], eigenvectors: rotation)
        let start = Matrix<Double>(column: [1, 1])
        var results: [TheoryCheckResult] = []
        let jacobiDiagonal = try DiagonalPreconditioning.jacobi(diagonal.hessian).preconditionedConditionNumber
        let jacobiRotated = try DiagonalPreconditioning.jacobi(rotated.hessian).preconditionedConditionNumber
        results.append(
            TheoryCheckResult(
                section: "§6 adaptive methods", claim: "Jacobi preconditioning gives κ = 1 on a diagonal bowl, leaves κ = 100 rotated",
                setting: "H = diag(1, 100) and rotated by 45°", predicted: 100, measured: jacobiRotated,
                criterion: "κ(PHP) diagonal = 1 (\(jacobiDiagonal.short)), rotated = 100",
                passed: abs(jacobiDiagonal - 1) < 1e-9 && abs(jacobiRotated - 100) < 1e-6))
        func count<Method: Optimizer>(_ make: () throws -> Method) throws(ConvergenceError) -> (Int, Int) where Method.Scalar == Double {
            var first: Method
            var second: Method
            do {
                first = try make()
                second = try make()
            } catch { throw .optimizerFailed("\(error)") }
            let d = try diagonal.iterate(with: &first, from: start, until: .relativeExcessLoss(1e-6), maximumSteps: 10_000)
            let r = try rotated.iterate(with: &second, from: rotation * start, until: .relativeExcessLoss(1e-6), maximumSteps: 10_000)
            return (d.ending == .reachedTolerance ? d.steps : -1, r.ending == .reachedTolerance ? r.steps : -1)
        }
        let cases: [(String, (Int, Int), (Int, Int))] = [
            ("GD at η = 2/101", try count { try SGD<Double>(learningRate: 2.0 / 101) }, (346, 346)),
            ("AdaGrad lr 0.5, ε 1e-10", try count { try AdaGrad<Double>(learningRate: 0.5, epsilon: 1e-10) }, (13, 683)),
            ("Adam lr 0.01", try count { try Adam<Double>(learningRate: 0.01, epsilon: 1e-8) }, (269, 2818)),
        ]
        for (name, measured, expected) in cases {
            results.append(
                TheoryCheckResult(
                    section: "§6 adaptive methods",
                    claim: name.hasPrefix("GD") ? "gradient descent is rotation invariant" : "a diagonal preconditioner is not rotation invariant",
                    setting: "\(name): iterations to f/f₀ < 1e-6, diagonal vs rotated",
                    predicted: Double(expected.1) / Double(expected.0), measured: Double(measured.1) / Double(measured.0),
                    criterion: "counts diagonal/rotated = \(expected.0)/\(expected.1) (measured \(measured.0)/\(measured.1))",
                    passed: measured == expected))
        }
        return results
    }

    /// §5: mini-batch variance, the noise ball, and the decaying step.
    func stochasticClaims() throws(ConvergenceError) -> [TheoryCheckResult] {
        let problem = try LeastSquaresProblem(
            features: Matrix(column: (1...8).map { Double($0) / 4 }), targets: Matrix(column: [0.3, 0.9, 1.2, 2.1, 2.4, 3.2, 3.3, 4.1]))
        var results: [TheoryCheckResult] = []
        let zero = Matrix<Double>(column: [0])
        let s2 = problem.perExampleGradientCovariance(at: zero)[0, 0]
        var generator = Xoshiro256StarStar(seed: seed)
        let draws = level == .quick ? 40_000 : 200_000
        for m in [1, 4] {
            for sampling in [LeastSquaresProblem.Sampling.withReplacement, .withoutReplacement] {
                var sum = 0.0
                var squares = 0.0
                for _ in 0..<draws {
                    let g = try problem.stochasticGradient(at: zero, batchSize: m, sampling: sampling, using: &generator)[0, 0]
                    sum += g
                    squares += g * g
                }
                let mean = sum / Double(draws)
                let variance = squares / Double(draws) - mean * mean
                let predicted = StochasticGradientTheory.minibatchVariance(perExampleVariance: s2, examples: 8, batchSize: m, sampling: sampling)
                results.append(
                    TheoryCheckResult(
                        section: "§5 SGD", claim: "mini-batch gradient variance s²/m" + (sampling == .withReplacement ? "" : "·(N−m)/(N−1)"),
                        setting: "THEORY §5 data (N = 8), w = 0, m = \(m), \(sampling.rawValue), \(draws) draws",
                        predicted: predicted, measured: variance, criterion: "relative difference ≤ 3%",
                        passed: abs(variance / predicted - 1) <= 0.03))
            }
        }
        let steps = level == .quick ? 100_000 : 400_000
        for (η, m) in [(0.05, 1), (0.1, 1), (0.1, 4), (0.2, 4)] {
            var sgd = try FirstOrderMethod.gradientDescent(learningRate: η).makeOptimizer()
            let run = try problem.iterateStochastic(
                with: &sgd, from: problem.bowl.minimizer, batchSize: m, sampling: .withReplacement, steps: steps, seed: seed &+ UInt64(m))
            let tail = run.errorNorms.dropFirst(2000)
            let measured = tail.reduce(0) { $0 + $1 * $1 } / Double(tail.count)
            let predicted = try StochasticGradientTheory.stationarySecondMoment(of: problem, learningRate: η, batchSize: m)
            results.append(
                TheoryCheckResult(
                    section: "§5 SGD", claim: "noise ball E(w − w*)² = ηE[b²]/(2E[a] − ηE[a²]) ∝ η/m",
                    setting: "THEORY §5 data, η = \(η), m = \(m), \(steps) steps (burn-in 2000)", predicted: predicted,
                    measured: measured, criterion: "relative difference ≤ 5% (correlated samples)",
                    passed: abs(measured / predicted - 1) <= 0.05))
        }
        return results
    }

    /// §8: standardizing shrinks κ of XᵀX/N; gradient descent's count falls as predicted.
    func conditioningClaims() throws(ConvergenceError) -> [TheoryCheckResult] {
        var results: [TheoryCheckResult] = []
        for name in [BundledDataset.wine, .breastCancer, .digits] {
            let data: Dataset<Double>
            do { data = try Dataset<Double>.load(name) } catch { throw .invalidProblem("cannot load \(name): \(error)") }
            let targets = Matrix<Double>(column: (0..<data.count).map { data.targets[$0, 0] })
            var reports: [ConditioningReport] = []
            var counts: [Int] = []
            for preprocessing in [LeastSquaresProblem.Preprocessing.raw, .standardized] {
                let problem = try LeastSquaresProblem(features: data.features, targets: targets, preprocessing: preprocessing)
                let report = ConditioningReport(problem: problem)
                reports.append(report)
                if preprocessing == .standardized {
                    let theory = try ConvergenceTheory(bowl: problem.bowl)
                    var gd = try theory.gradientDescentOptimal.makeOptimizer()
                    let run = try problem.bowl.iterate(
                        with: &gd, from: Matrix(rows: problem.features.columns, columns: 1), until: .relativeError(1e-6),
                        maximumSteps: (report.predictedIterations ?? 0) + 1)
                    counts.append(run.ending == .reachedTolerance ? run.steps : Int.max)
                }
            }
            let shrink = reports[0].conditionNumber / reports[1].conditionNumber
            results.append(
                TheoryCheckResult(
                    section: "§8 LeCun 1998", claim: "standardizing the inputs shrinks κ(XᵀX/N) by orders of magnitude",
                    setting: "\(name) (\(data.count)×\(data.featureCount)): κ raw \(reports[0].conditionNumber.short) → standardized \(reports[1].conditionNumber.short)",
                    predicted: 100, measured: shrink, criterion: "κ_raw/κ_standardized ≥ 100", passed: shrink >= 100))
            let predicted = reports[1].predictedIterations ?? Int.max
            results.append(
                TheoryCheckResult(
                    section: "§8 LeCun 1998", claim: "GD at η* on standardized inputs needs ≤ ⌈ln(10⁶)/(−ln ρ)⌉ steps",
                    setting: "\(name), standardized least squares (raw would need \(reports[0].predictedIterations.map(String.init) ?? "∞"))",
                    predicted: Double(predicted), measured: Double(counts[0]), criterion: "measured ≤ predicted",
                    passed: counts[0] <= predicted))
        }
        return results
    }
}
