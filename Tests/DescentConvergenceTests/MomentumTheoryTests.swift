// Heavy ball and Nesterov: THEORY.md §§2–3 — roots, stability regions,
// optimal tunings, the effective learning rate — and runs of SGD with
// momentum that reproduce the stated numbers.

import DescentConvergence
import Testing

@Suite struct MomentumTheoryTests {
    /// §2's root table: (η, μ, λ) → roots and spectral radius.
    @Test(arguments: [
        (0.1, 0.9, 1.0, [(0.9, 0.3), (0.9, -0.3)], 0.9486832981),
        (0.1, 0.9, 10.0, [(0.45, 0.83516465), (0.45, -0.83516465)], 0.9486832981),
        (0.1, 0.9, 38.0, [(-1.0, 0.0), (-0.9, 0.0)], 1.0),
        (0.1, 0.9, 39.0, [(-1.31622777, 0.0), (-0.68377223, 0.0)], 1.3162277660),
        (0.1, 0.5, 1.0, [(0.7, 0.1), (0.7, -0.1)], 0.7071067812),
        (1.0, 0.25, 1.0, [(0.125, 0.48412292), (0.125, -0.48412292)], 0.5),
        (0.5, 0.0, 1.0, [(0.5, 0.0), (0.0, 0.0)], 0.5),
    ] as [(Double, Double, Double, [(Double, Double)], Double)])
    func heavyBallRoots(learningRate η: Double, momentum μ: Double, eigenvalue λ: Double, roots: [(Double, Double)], radius: Double) {
        let method = FirstOrderMethod.heavyBall(learningRate: η, momentum: μ)
        let computed = method.roots(eigenvalue: λ).values
        for (c, e) in zip(computed, roots) {
            #expect(abs(c.real - e.0) <= 1e-8 && abs(c.imaginary - e.1) <= 1e-8, "\(computed) vs \(roots)")
        }
        #expect(abs(method.spectralRadius(eigenvalue: λ) - radius) <= 1e-9)
    }

    /// Jury's region: ρ < 1 exactly when ηλ < 2(1 + μ), on THEORY's 34 × 500 grid minus a ±0.01 band.
    @Test func heavyBallStabilityRegion() {
        for i in 0..<34 {
            let μ = 0.99 * Double(i) / 33
            let method = FirstOrderMethod.heavyBall(learningRate: 1, momentum: μ)
            for j in 1...500 {
                let h = 5 * Double(j) / 500
                let bound = 2 * (1 + μ)
                guard abs(h - bound) > 0.01 else { continue }
                #expect(method.converges(eigenvalue: h) == (h < bound), "μ = \(μ), ηλ = \(h)")
            }
        }
    }

    /// Nesterov's region: ρ < 1 exactly when αλ < (2 + 2β)/(1 + 2β) (1.357142857 at β = 0.9).
    @Test func nesterovStabilityRegion() {
        #expect(abs(FirstOrderMethod.nesterov(learningRate: 1, momentum: 0.9).stabilityThreshold - 1.357142857) < 1e-9)
        for i in 0..<34 {
            let β = 0.99 * Double(i) / 33
            let method = FirstOrderMethod.nesterov(learningRate: 1, momentum: β)
            let bound = (2 + 2 * β) / (1 + 2 * β)
            for j in 1...500 {
                let h = 3 * Double(j) / 500
                guard abs(h - bound) > 0.01 else { continue }
                #expect(method.converges(eigenvalue: h) == (h < bound), "β = \(β), αλ = \(h)")
            }
        }
    }

    @Test func polyakOptimalParameters() throws {
        let ten = try ConvergenceTheory(eigenvalues: [1, 10])
        guard case let .heavyBall(η, μ) = ten.polyakOptimal else { Issue.record("not heavy ball"); return }
        #expect(abs(η - 0.2308861570) < 1e-10 && abs(μ - 0.2698738636) < 1e-10)
        #expect(abs(ten.rate(of: ten.polyakOptimal) - 0.5194938533) < 1e-9)
        #expect(ten.ratePrediction(of: ten.polyakOptimal).isDefective)
        let hundred = try ConvergenceTheory(eigenvalues: [1, 100])
        guard case let .heavyBall(η100, μ100) = hundred.polyakOptimal else { return }
        #expect(abs(η100 - 0.0330578512) < 1e-10 && abs(μ100 - 0.6694214876) < 1e-10)
        #expect(abs(hundred.rate(of: hundred.polyakOptimal) - 9.0 / 11) < 1e-12)
    }

    /// diag(1, 10) from (1, 1) with Polyak's pair: ‖w₅₀‖ = 4.866e−13, ‖w₂₀₀‖ = 4.180e−55, and
    /// the naive measured rate over steps 150–200 is 0.52248 (slow because of the double root).
    @Test func polyakRunOnDiagonalBowl() throws {
        let bowl = try QuadraticBowl(eigenvalues: [1, 10], eigenvectors: .identity(2))
        let theory = try ConvergenceTheory(bowl: bowl)
        var sgd = try theory.polyakOptimal.makeOptimizer()
        let run = try bowl.iterate(with: &sgd, from: Matrix(column: [1, 1]), until: .steps(200))
        #expect(isClose(run.errorNorms[50], 4.866e-13, relative: 1e-3))
        #expect(isClose(run.errorNorms[200], 4.180e-55, relative: 1e-3))
        let naive = Double.exp((Double.log(run.errorNorms[200]) - Double.log(run.errorNorms[150])) / 50)
        #expect(abs(naive - 0.52248) < 1e-5)
        // Dividing out the k factor recovers the spectral radius to 0.1%.
        let fit = try #require(RateFit.fit(errors: run.errorNorms, model: .fixedDegree(1), window: 150...200, floor: 0))
        #expect(abs(fit.rate / 0.5194938533 - 1) < 1e-3, "\(fit.rate)")
    }

    /// The predicted loss curve of heavy ball and Nesterov (½Σλα(T)² from the recurrences) equals the run's.
    @Test func predictedLossCurves() throws {
        let bowl = try QuadraticBowl(dimension: 40, conditionNumber: 100, basis: .random(seed: 5))
        let theory = try ConvergenceTheory(bowl: bowl)
        let start = try bowl.startingPoint(.random(seed: 6))
        for method in [theory.polyakOptimal, theory.nesterovQuadraticOptimal, .heavyBall(learningRate: 0.01, momentum: 0.9)] {
            var optimizer = try method.makeOptimizer()
            let run = try bowl.iterate(with: &optimizer, from: start, until: .steps(60))
            for k in [1, 10, 30, 60] {
                let predicted = theory.predictedExcessLoss(of: method, initialCoordinates: bowl.eigenCoordinates(of: start), steps: k)
                #expect(isClose(run.excessValues[k], predicted, relative: 1e-10), "\(method) at \(k)")
            }
        }
    }

    /// Constant gradient g = 1, η = 0.1, μ = 0.9: v₁ = −0.1, v₁₀ = −0.6513215599, v₅₀, v₂₀₀ → −η/(1 − μ) = −1.
    @Test func effectiveLearningRateUnderConstantGradient() throws {
        var sgd = try SGD<Double>(learningRate: 0.1, momentum: 0.9)
        var w = [Matrix<Double>(column: [0])]
        var previous = 0.0
        var velocities: [Int: Double] = [:]
        for k in 1...200 {
            try sgd.update(&w, with: [Matrix(column: [1])])
            velocities[k] = w[0][0, 0] - previous
            previous = w[0][0, 0]
        }
        for (k, expected) in [(1, -0.1), (10, -0.6513215599), (50, -0.9948462248), (200, -0.9999999993)] {
            #expect(abs(velocities[k]! - expected) < 1e-10, "v\(k)")
            #expect(abs(heavyBallVelocity(learningRate: 0.1, momentum: 0.9, gradient: 1, steps: k) - expected) < 1e-10)
        }
        #expect(abs(effectiveLearningRate(learningRate: 0.1, momentum: 0.9) - 1) < 1e-15)
    }

    @Test func nesterovTunings() throws {
        let ten = try ConvergenceTheory(eigenvalues: [1, 10])
        guard case let .nesterov(α, β) = ten.nesterovQuadraticOptimal else { Issue.record("not Nesterov"); return }
        #expect(abs(α - 0.1290322581) < 1e-10 && abs(β - 0.4714423166) < 1e-10)
        #expect(abs(ten.rate(of: ten.nesterovQuadraticOptimal) - 0.6407893959) < 1e-9)
        let hundred = try ConvergenceTheory(eigenvalues: Array(stride(from: 1.0, through: 100, by: 1)))
        guard case let .nesterov(α100, β100) = hundred.nesterovQuadraticOptimal else { return }
        #expect(abs(α100 - 0.0132890365) < 1e-10 && abs(β100 - 0.7932747263) < 1e-10)
        #expect(abs(hundred.rate(of: hundred.nesterovQuadraticOptimal) - 0.8847219165) < 1e-9)
        // Standard tuning: a double root z = 1 − 1/√κ at λmin, complex roots of smaller modulus elsewhere.
        let standard = hundred.ratePrediction(of: hundred.nesterovStandard)
        #expect(abs(standard.rate - 0.9) < 1e-12 && standard.eigenvalue == 1 && standard.isDefective)
        for λ in hundred.eigenvalues.dropFirst().dropLast() {
            let roots = hundred.nesterovStandard.roots(eigenvalue: λ)
            #expect(roots.isComplex && roots.spectralRadius < 0.9, "λ = \(λ)")
        }
        #expect(hundred.nesterovStandard.spectralRadius(eigenvalue: 100) == 0)  // c = 1 − αL = 0: both roots 0
    }

    /// q = (√κ − 1)/(√κ + 1) for κ = 100: q = 9/11, q¹⁰ = 0.1344306327, q⁵⁰ = 4.390270e−5.
    @Test func lowerBoundNumbers() throws {
        let theory = try ConvergenceTheory(eigenvalues: [1, 100])
        #expect(abs(theory.lowerBoundRate - 9.0 / 11) < 1e-15)
        #expect(abs(Double.pow(theory.lowerBoundRate, 10) - 0.1344306327) < 1e-10)
        #expect(isClose(Double.pow(theory.lowerBoundRate, 50), 4.390270e-5, relative: 1e-6))
    }
}
