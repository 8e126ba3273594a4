// SGD on least squares: THEORY.md §5's deterministic data set — gradient
// variance with and without replacement, the stationary noise ball of a
// constant step (simulated with DescentOptimizers' SGD), Robbins–Monro sums.

import DescentConvergence
import DescentOptimizers
import Testing

@Suite struct StochasticGradientTheoryTests {
    /// N = 8, x = (1…8)/4, t = (0.3, 0.9, 1.2, 2.1, 2.4, 3.2, 3.3, 4.1), f(w) = (1/2N)Σ(xw − t)².
    static func problem() throws -> LeastSquaresProblem {
        try LeastSquaresProblem(
            features: Matrix(column: (1...8).map { Double($0) / 4 }),
            targets: Matrix(column: [0.3, 0.9, 1.2, 2.1, 2.4, 3.2, 3.3, 4.1]))
    }

    @Test func derivedQuantities() throws {
        let problem = try Self.problem()
        #expect(isClose(problem.bowl.eigenvalues[0], 1.59375, relative: 1e-14))
        #expect(isClose(problem.bowl.minimizer[0, 0], 1.9843137255, relative: 1e-10))
        let zero = Matrix<Double>(column: [0])
        #expect(isClose(problem.bowl.gradient(at: zero)[0, 0], -3.1625, relative: 1e-13))
        #expect(isClose(problem.perExampleGradientCovariance(at: zero)[0, 0], 7.2559375, relative: 1e-13))
    }

    /// Var of the mini-batch gradient at w = 0: the table of §5 in closed form, and 40,000 draws of
    /// our sampler within 3% (the estimate's relative standard error is about 0.7%).
    @Test(arguments: [(1, 7.2559375, 7.2559375), (2, 3.62796875, 3.1096875), (4, 1.813984375, 1.0365625), (8, 0.9069921875, 0.0)])
    func minibatchVariance(batchSize m: Int, withReplacement: Double, withoutReplacement: Double) throws {
        let problem = try Self.problem()
        let s2 = 7.2559375
        #expect(isClose(StochasticGradientTheory.minibatchVariance(perExampleVariance: s2, examples: 8, batchSize: m, sampling: .withReplacement), withReplacement, relative: 1e-14))
        #expect(abs(StochasticGradientTheory.minibatchVariance(perExampleVariance: s2, examples: 8, batchSize: m, sampling: .withoutReplacement) - withoutReplacement) <= 1e-14 * s2)
        for (sampling, expected) in [(LeastSquaresProblem.Sampling.withReplacement, withReplacement), (.withoutReplacement, withoutReplacement)] {
            var generator = Xoshiro256StarStar(seed: UInt64(m))
            let draws = 40_000
            var sum = 0.0
            var squares = 0.0
            for _ in 0..<draws {
                let g = try problem.stochasticGradient(at: Matrix(column: [0]), batchSize: m, sampling: sampling, using: &generator)[0, 0]
                sum += g
                squares += g * g
            }
            let mean = sum / Double(draws)
            let variance = squares / Double(draws) - mean * mean
            if expected == 0 {
                #expect(variance < 1e-20, "the whole data set without replacement is the full gradient")
            } else {
                #expect(abs(variance / expected - 1) < 0.03, "\(sampling), m = \(m): \(variance)")
            }
        }
    }

    /// V = ηE[b²]/(2E[a] − ηE[a²]) against THEORY's table (closed form), and a simulation with SGD.
    @Test func noiseBallFormula() throws {
        let problem = try Self.problem()
        let table: [(Double, Int, Double)] = [
            (0.05, 1, 7.301920e-4), (0.05, 4, 1.786210e-4), (0.1, 1, 1.573735e-3),
            (0.1, 4, 3.756352e-4), (0.2, 1, 3.725852e-3), (0.2, 4, 8.375113e-4),
        ]
        for (η, m, expected) in table {
            let v = try StochasticGradientTheory.stationarySecondMoment(of: problem, learningRate: η, batchSize: m)
            #expect(isClose(v, expected, relative: 1e-6), "η = \(η), m = \(m): \(v)")
        }
        #expect(throws: ConvergenceError.self) {
            try StochasticGradientTheory.stationarySecondMoment(of: problem, learningRate: 5, batchSize: 1)
        }
    }

    /// 200,000 steps of constant-step SGD (η = 0.1, m = 1, with replacement), burn-in 2,000:
    /// the mean of (w − w*)² is within 5% of V = 1.573735e−3 (THEORY's suggested tolerance).
    @Test func noiseBallSimulation() throws {
        let problem = try Self.problem()
        var sgd = try SGD<Double>(learningRate: 0.1)
        let run = try problem.iterateStochastic(
            with: &sgd, from: problem.bowl.minimizer, batchSize: 1, sampling: .withReplacement, steps: 200_000, seed: 11)
        let tail = run.errorNorms.dropFirst(2_000)
        let meanSquare = tail.reduce(0) { $0 + $1 * $1 } / Double(tail.count)
        #expect(abs(meanSquare / 1.573735e-3 - 1) < 0.05, "\(meanSquare)")
    }

    /// Robbins–Monro partial sums for K = 10⁶: Σ1/k = 14.3927267229 (≈ ln K + γ, diverging), Σ1/k² = 1.6449330668 (→ π²/6).
    @Test func robbinsMonroSums() {
        let sums = StochasticGradientTheory.robbinsMonroSums(steps: 1_000_000) { 1 / Double($0) }
        #expect(abs(sums.sum - 14.3927267229) < 1e-9)
        #expect(abs(sums.sumOfSquares - 1.6449330668) < 1e-9)
    }

    /// A 1/k step (through `Scheduled` + `InverseTimeDecay`, η_k = 0.2/(1 + k/10)) keeps shrinking the
    /// error — E(w − w*)² ∝ 1/k — far below the constant step's noise ball, where the constant step stalls.
    /// Averaged over 40 seeded replicas (successive errors are correlated over ~k/3 steps).
    @Test func decayingStepBeatsTheNoiseBall() throws {
        let problem = try Self.problem()
        let start = Matrix<Double>(column: [0])
        let ball = try StochasticGradientTheory.stationarySecondMoment(of: problem, learningRate: 0.2, batchSize: 1)
        var early = 0.0
        var late = 0.0
        var stalled = 0.0
        for replica in 0..<40 {
            var constant = try SGD<Double>(learningRate: 0.2)
            var decaying = try Scheduled(
                SGD<Double>(learningRate: 0.2), schedules: [.learningRate: InverseTimeDecay(initialValue: 0.2, timeScale: 10)])
            let seed = UInt64(100 + replica)
            let fixed = try problem.iterateStochastic(with: &constant, from: start, batchSize: 1, sampling: .withReplacement, steps: 10_000, seed: seed)
            let decayed = try problem.iterateStochastic(with: &decaying, from: start, batchSize: 1, sampling: .withReplacement, steps: 10_000, seed: seed)
            early += decayed.errorNorms[900..<1000].reduce(0) { $0 + $1 * $1 } / 100
            late += decayed.errorNorms[9_900..<10_000].reduce(0) { $0 + $1 * $1 } / 100
            stalled += fixed.errorNorms[5_000..<10_000].reduce(0) { $0 + $1 * $1 } / 5_000
        }
        #expect(abs(stalled / 40 / ball - 1) < 0.1, "constant step: \(stalled / 40) vs V = \(ball)")
        #expect(late < early / 4, "1/k decay from k = 10³ to 10⁴: \(early / 40) → \(late / 40)")
        #expect(late / 40 < ball / 100)
    }
}
