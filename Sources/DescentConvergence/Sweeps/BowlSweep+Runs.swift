// How each family of methods is run on one bowl of a sweep and judged.

import DescentLinalg
import DescentOptimizers
import RealModule

/// One bowl of the sweep with what its runs share: the rotated bowl, its theory,
/// the start, and (built only when asked for) the diagonal twin and the least-squares problem.
struct CaseContext {
    let item: BowlSweep.Case
    let configuration: BowlSweep.Configuration
    let seed: UInt64
    let bowl: QuadraticBowl
    let theory: ConvergenceTheory
    let start: Matrix<Double>
    /// The axis-aligned twin and the rotated bowl's Jacobi-preconditioned κ (only when adaptive methods run).
    let adaptive: (diagonal: QuadraticBowl, jacobiConditionNumber: Double)?

    init(_ item: BowlSweep.Case, configuration: BowlSweep.Configuration) throws(ConvergenceError) {
        self.item = item
        self.configuration = configuration
        let shapeIndex = UInt64(BowlSweepSpectrum.allCases.firstIndex(of: item.spectrum) ?? 0)
        seed = configuration.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(item.dimension) &* 1_000_003
            &+ UInt64(item.conditionNumber.rounded()) &* 7919 &+ shapeIndex
        // L = 1 on every bowl, so a learning rate reads in units of 1/L whatever κ is.
        bowl = try QuadraticBowl(
            dimension: item.dimension, conditionNumber: item.conditionNumber, shape: item.spectrum.shape(dimension: item.dimension),
            smallest: 1 / item.conditionNumber, basis: .random(seed: seed))
        theory = try ConvergenceTheory(bowl: bowl)
        start = try bowl.startingPoint(.equalCoordinates)
        if configuration.methods.contains(where: { $0.family == .adaptive }) {
            adaptive = (
                try QuadraticBowl(eigenvalues: bowl.eigenvalues, eigenvectors: .identity(item.dimension)),
                try DiagonalPreconditioning.jacobi(bowl.hessian).preconditionedConditionNumber
            )
        } else {
            adaptive = nil
        }
    }

    private func record(
        _ method: BowlSweepMethod, basis: String = "rotated", hyperparameters: [String: Double],
        trajectory: BowlTrajectory, quantity: BowlSweepQuantity, measured: Double?, predicted: Double?,
        predictedIterations: Int? = nil, exponentRatio: Double? = nil, held: Bool?, criterion: String,
        seconds: Double? = nil
    ) -> BowlSweepRun {
        let relative = trajectory.relativeErrors
        return BowlSweepRun(
            dimension: item.dimension, conditionNumber: item.conditionNumber, spectrum: item.spectrum, basis: basis,
            method: method, hyperparameters: hyperparameters,
            iterations: trajectory.iterations(toReduceErrorBy: configuration.tolerance),
            predictedIterations: predictedIterations, steps: trajectory.steps,
            finalRelativeError: relative.last ?? .nan, diverged: trajectory.ending == .diverged,
            quantity: quantity, measured: measured, predicted: predicted, exponentRatio: exponentRatio, held: held,
            criterion: criterion, secondsPerIteration: seconds ?? trajectory.secondsPerStep, curve: sampledCurve(relative))
    }

    // MARK: - Gradient descent, heavy ball, Nesterov, conjugate gradient

    /// A first-order method against its spectral radius, or CG against Chebyshev's bound.
    func runDeterministic(_ method: BowlSweepMethod) throws(ConvergenceError) -> BowlSweepRun {
        let ε = configuration.tolerance
        if method == .conjugateGradient {
            // ‖e_k‖ ≤ √κ·‖e_k‖_H/‖e₀‖_H·‖e₀‖ ≤ 2√κ·qᵏ‖e₀‖: the steps that bound guarantees.
            let q = theory.lowerBoundRate
            let bound = q > 0 ? Int((Double.log(ε / (2 * theory.conditionNumber.squareRoot())) / Double.log(q)).rounded(.up)) : 1
            let steps = min(configuration.maximumIterations, max(bound, 1) + 10)
            let clock = ContinuousClock.now
            let full = try bowl.conjugateGradient(from: start, steps: steps)
            let seconds = (ContinuousClock.now - clock).seconds / Double(max(full.steps, 1))
            let trajectory = full.truncated(atRelativeError: ε)
            let fit = RateFit.fit(errors: trajectory.errorNorms, model: .fixedDegree(0))
            // The theorem itself, at every step: ‖e_k‖_H ≤ 2qᵏ‖e₀‖_H (a rate fitted to a dozen steps of a
            // non-geometric method can read above q while the bound holds).
            let energy0 = trajectory.excessValues.first ?? 0
            var worst = 0.0
            for (k, excess) in trajectory.excessValues.enumerated() where energy0 > 0 {
                let energy = (max(excess, 0) / energy0).squareRoot()
                let limit = 2 * Double.pow(q, k)
                worst = max(worst, limit > 0 ? energy / limit : (energy <= 1e-12 ? 0 : .infinity))
            }
            return record(
                method, hyperparameters: [:], trajectory: trajectory, quantity: .rateBound, measured: fit?.rate,
                predicted: q, predictedIterations: bound, held: worst <= 1 + 1e-9,
                criterion: "‖e_k‖_H ≤ 2qᵏ‖e₀‖_H at every k, q = (√κ−1)/(√κ+1) (Chebyshev; worst ratio \(worst.short))",
                seconds: seconds)
        }
        let custom: FirstOrderMethod? =
            switch method {
            case .customGradientDescent: .gradientDescent(learningRate: configuration.learningRate ?? 1 / theory.largest)
            case .customMomentum:
                .heavyBall(learningRate: configuration.learningRate ?? 1 / theory.largest, momentum: configuration.momentum ?? 0.9)
            default: nil
            }
        guard let firstOrder = custom ?? method.firstOrderMethod(for: theory) else {
            throw .invalidProblem("\(method.rawValue) is not a first-order method")
        }
        let prediction = theory.ratePrediction(of: firstOrder)
        let ρ = prediction.rate
        let predictedIterations = ConvergenceTheory.iterations(toReduceErrorBy: ε, rate: ρ)
        // 1.5× the predicted count (a double root's k·ρᵏ transient needs ~30% more) and 100 steps of slack.
        let limit = min(configuration.maximumIterations, predictedIterations.map { $0 + $0 / 2 + 100 } ?? configuration.maximumIterations)
        // The rate is fitted over ≥ 60 e-folds (as TheoryCheck does) when that costs at most 5,000 steps more than the
        // tolerance does (a short run cannot tell ρ from a k·ρᵏ transient); long runs stop at the tolerance.
        let rateDecay = -Double.log(ρ)
        var target = ε
        if rateDecay > 0, rateDecay.isFinite, (60 + Double.log(ε)) / rateDecay <= 5000 { target = min(ε, Double.exp(-60)) }
        let extra = target < ε ? Int((60 / rateDecay).rounded(.up)) : 0
        var optimizer = try firstOrder.makeOptimizer()
        let trajectory: BowlTrajectory
        if ρ >= 1 {
            // Predicted to diverge: no tolerance stop (the stable directions can cross it first); run until
            // the error has grown 10¹² times, which `iterate` calls diverged.
            let growth = ρ > 1 ? Int((Double.log(1e12) / Double.log(ρ)).rounded(.up)) : configuration.maximumIterations
            trajectory = try bowl.iterate(
                with: &optimizer, from: start, until: .steps(min(configuration.maximumIterations, growth + growth / 2 + 100)))
        } else {
            trajectory = try bowl.iterate(
                with: &optimizer, from: start, until: .relativeError(target),
                maximumSteps: min(configuration.maximumIterations, max(limit, extra + extra / 2 + 100)))
        }
        let fit = RateFit.fit(errors: trajectory.errorNorms, model: .fittedDegree)
        let exponentRatio = fit?.exponentRatio(predicted: ρ)
        let efolds = abs(Double(trajectory.steps) * Double.log(ρ))
        let tolerance = efolds >= 50 ? 0.05 : 0.10
        // Judged on ln ρ̂/ln ρ, the ratio of iteration counts: 1% in ρ is 2.7% of the count at
        // κ = 10 but the difference between converging and diverging at κ = 10⁴ (ρ = 0.9998).
        var rateHeld = fit.map { abs($0.exponentRatio(predicted: ρ) - 1) <= tolerance }
        if rateHeld == nil, let predictedIterations, let iterations = trajectory.iterations(toReduceErrorBy: ε) {
            // Too few steps to fit a rate (κ = 1 at η* is exact in one step): judge the count instead.
            rateHeld = iterations <= predictedIterations + 1
        }
        let diverges = ρ > 1
        let diverged = trajectory.ending == .diverged
        // A run of fewer than 5 e-folds of decay (cut off by the step limit, or a loose tolerance at large κ)
        // says nothing about its rate.
        let tooShort = !diverges && !diverged && efolds < 5 && fit != nil
        let held: Bool?
        if tooShort {
            held = nil
        } else if diverges {
            held = diverged && (rateHeld ?? true)
        } else {
            held = diverged ? false : rateHeld
        }
        let criterion =
            tooShort
            ? "not judged: the run covers only \(String(format: "%.2g", efolds)) e-folds of predicted decay (lower the tolerance or raise the step limit)"
            : diverges
            ? "ρ > 1 predicts divergence: the run must diverge, growing with |ln ρ̂/ln ρ − 1| ≤ \(Int(tolerance * 100))%"
            : fit == nil
                ? "too short to fit a rate: iterations ≤ the predicted \(predictedIterations.map(String.init) ?? "∞") + 1"
                : "|ln ρ̂/ln ρ − 1| ≤ \(Int(tolerance * 100))% over \(efolds.isFinite ? "\(Int(efolds))" : "∞") e-folds"
                    + (prediction.isDefective ? " (double root: k·ρᵏ)" : "")
        return record(
            method, hyperparameters: firstOrder.hyperparameters, trajectory: trajectory, quantity: .rate,
            measured: fit?.rate, predicted: ρ, predictedIterations: predictedIterations, exponentRatio: exponentRatio,
            held: held, criterion: criterion)
    }

    // MARK: - Adam, RMSProp, AdaGrad

    /// The method on the axis-aligned twin and on the rotated bowl, from the same eigen-coordinates.
    func runAdaptive(_ method: BowlSweepMethod) throws(ConvergenceError) -> [BowlSweepRun] {
        guard let (diagonal, jacobiRotated) = adaptive else {
            throw .invalidProblem("\(method.rawValue) was not in the configuration's methods")
        }
        // Every eigen-coordinate starts at 1/√d: a per-coordinate step of 0.1/√d crosses it in ~10 steps.
        let scale = 1 / Double(item.dimension).squareRoot()
        let learningRate = (method == .adagrad ? 1.0 : 0.1) * scale
        var runs: [(basis: String, bowl: QuadraticBowl, trajectory: BowlTrajectory)] = []
        for (basis, target) in [("diagonal", diagonal), ("rotated", bowl)] {
            let w0 = try target.startingPoint(.equalCoordinates)
            let until = StoppingRule.relativeError(configuration.tolerance)
            let steps = configuration.adaptiveSteps
            let trajectory: BowlTrajectory
            do {
                switch method {
                case .adam:
                    var optimizer = try Adam<Double>(learningRate: learningRate)
                    trajectory = try target.iterate(with: &optimizer, from: w0, until: until, maximumSteps: steps)
                case .rmsprop:
                    var optimizer = try RMSProp<Double>(learningRate: learningRate)
                    trajectory = try target.iterate(with: &optimizer, from: w0, until: until, maximumSteps: steps)
                default:
                    var optimizer = try AdaGrad<Double>(learningRate: learningRate)
                    trajectory = try target.iterate(with: &optimizer, from: w0, until: until, maximumSteps: steps)
                }
            } catch let error as OptimizerError {
                throw .optimizerFailed("\(error)")
            } catch let error as ConvergenceError {
                throw error
            } catch {
                throw .optimizerFailed("\(error)")
            }
            runs.append((basis, target, trajectory))
        }
        // Judge the pair: reaching the tolerance first wins; otherwise the lower best error (a constant-step
        // Adam or RMSProp oscillates around its floor, so the last error is a matter of phase).
        func score(_ t: BowlTrajectory) -> (Int, Double) {
            (t.iterations(toReduceErrorBy: configuration.tolerance) ?? Int.max, t.relativeErrors.min() ?? .infinity)
        }
        // §6 claims a gap only when the rotation leaves a real one for the diagonal preconditioner: a rotated
        // bowl whose Jacobi-preconditioned κ is below 2 is (nearly) the same problem as its twin.
        let comparable = jacobiRotated >= 2
        // Neither run reached the tolerance and both stalled within 25% of each other: the floor is set by the
        // constant step (the oscillation of a step of fixed size), not by conditioning, so the pair says nothing.
        let scores = (score(runs[0].trajectory), score(runs[1].trajectory))
        let sameFloor = scores.0.0 == Int.max && scores.1.0 == Int.max
            && max(scores.0.1, scores.1.1) < 1.25 * min(scores.0.1, scores.1.1)
        let diagonalAhead: Bool? = comparable && !sameFloor ? scores.0 < scores.1 : nil
        return runs.map { run in
            record(
                method, basis: run.basis, hyperparameters: ["learningRate": learningRate], trajectory: run.trajectory,
                quantity: .finalError, measured: run.trajectory.relativeErrors.last, predicted: nil, held: diagonalAhead,
                criterion: !comparable
                    ? "not judged: the rotated bowl's Jacobi κ is \(jacobiRotated.short) (< 2), so the two runs face nearly the same problem"
                    : sameFloor
                        ? "not judged: both runs stalled at the floor of their constant step (best errors \(scores.0.1.short) and \(scores.1.1.short)), which conditioning does not set"
                        : "diagonal bowl ahead of the rotated one (Jacobi κ: 1 vs \(jacobiRotated.short))")
        }
    }

    // MARK: - Mini-batch SGD

    /// Mini-batch SGD on a least-squares problem whose XᵀX/N is this bowl's Hessian,
    /// against the linearized second-moment recursion.
    func runStochastic(_ method: BowlSweepMethod) throws(ConvergenceError) -> BowlSweepRun {
        let problem = try leastSquaresProblem()
        let m = configuration.batchSize
        let steps = configuration.stochasticSteps
        let trace = problem.bowl.eigenvalues.reduce(0, +)
        // Small enough that the mini-batch Hessian's own randomness (≈ η·tr(H)/(2m) relatively) stays ≤ 5%.
        let η = min(1 / theory.largest, 0.1 * Double(m) / trace)
        let timeScale = Double(steps) / 20
        let schedule: (Int) -> Double = method == .sgdConstant ? { _ in η } : { η / (1 + Double($0) / timeScale) }
        let w0 = try problem.bowl.startingPoint(.equalCoordinates)
        // A d-dimensional run averages d directions; small bowls get independent replicas so that
        // every verdict rests on ~256 direction-runs (the first replica is the one reported and plotted).
        let replicas = min(64, max(1, Int((256 / Double(item.dimension)).rounded(.up))))
        let clock = ContinuousClock.now
        var trajectories: [BowlTrajectory] = []
        for replica in 0..<replicas {
            let batchSeed = seed &+ 1 &+ UInt64(replica) &* 0x9E37_79B9
            do {
                if method == .sgdConstant {
                    var sgd = try SGD<Double>(learningRate: η)
                    trajectories.append(
                        try problem.iterateStochastic(
                            with: &sgd, from: w0, batchSize: m, sampling: .withReplacement, steps: steps, seed: batchSeed,
                            recordingExcessValues: false))
                } else {
                    var sgd = try Scheduled(
                        SGD<Double>(learningRate: η),
                        schedules: [.learningRate: InverseTimeDecay(initialValue: η, timeScale: timeScale)])
                    trajectories.append(
                        try problem.iterateStochastic(
                            with: &sgd, from: w0, batchSize: m, sampling: .withReplacement, steps: steps, seed: batchSeed,
                            recordingExcessValues: false))
                }
            } catch let error as ConvergenceError {
                throw error
            } catch {
                throw .optimizerFailed("\(error)")
            }
        }
        let trajectory = trajectories[0]
        let seconds = (ContinuousClock.now - clock).seconds / Double(max(steps * replicas, 1))
        let expected = try StochasticGradientTheory.expectedSquaredErrors(
            of: problem, from: w0, batchSize: m, steps: steps, learningRate: schedule)
        let window = (steps - steps / 5)...steps
        let measured = trajectories.reduce(0.0) { sum, run in
            sum + window.reduce(0.0) { $0 + run.errorNorms[$1] * run.errorNorms[$1] }
        } / Double(window.count * replicas)
        let predicted = window.reduce(0.0) { $0 + expected[$1] } / Double(window.count)
        var hyperparameters: [String: Double] = [
            "learningRate": η, "batchSize": Double(m), "examples": Double(problem.count), "replicas": Double(replicas),
        ]
        if method == .sgdDecaying { hyperparameters["timeScale"] = timeScale }
        return record(
            method, hyperparameters: hyperparameters, trajectory: trajectory, quantity: .meanSquaredError,
            measured: measured, predicted: predicted, held: abs(measured / predicted - 1) <= 0.25,
            criterion: "mean ‖e_k‖² over the last 20% (\(replicas) run\(replicas == 1 ? "" : "s")) within 25% of the linearized recursion (the "
                + "linearization leaves out ≈ η·tr(H)/(2m) = \(Int((η * trace / Double(2 * m) * 100).rounded()))%)",
            seconds: seconds)
    }

    /// N = 4d examples whose XᵀX/N is exactly this bowl's Hessian (X = Q·diag(√(Nλ))·Uᵀ with
    /// orthonormal Q), and targets X·w̄ + unit Gaussian noise.
    func leastSquaresProblem() throws(ConvergenceError) -> LeastSquaresProblem {
        let d = item.dimension
        let n = 4 * d
        var generator = Xoshiro256StarStar(seed: seed &+ 2)
        let q: Matrix<Double>
        do { q = try QRDecomposition(of: Matrix<Double>.randomNormal(rows: n, columns: d, using: &generator)).q } catch {
            throw .linearAlgebra(error)
        }
        let scales = bowl.eigenvalues.map { (Double(n) * $0).squareRoot() }
        let scaledQ = Matrix<Double>(rows: n, columns: d) { i, j in q[i, j] * scales[j] }
        let x = gemm(scaledQ, bowl.eigenvectors, transposingB: true)
        let truth = Matrix<Double>.randomNormal(rows: d, columns: 1, using: &generator) * (1 / Double(d).squareRoot())
        let targets = gemv(x, truth) + Matrix<Double>.randomNormal(rows: n, columns: 1, using: &generator)
        return try LeastSquaresProblem(features: x, targets: targets, dropConstantColumns: false)
    }
}

extension BowlTrajectory {
    /// The trajectory up to the first step at or below `ε` relative error.
    func truncated(atRelativeError ε: Double) -> BowlTrajectory {
        guard let k = iterations(toReduceErrorBy: ε), k < steps else { return self }
        var copy = self
        copy.errorNorms = Array(errorNorms[0...k])
        copy.excessValues = Array(excessValues.prefix(k + 1))
        copy.ending = .reachedTolerance
        return copy
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

extension FirstOrderMethod {
    /// η, and μ or β when there is one.
    var hyperparameters: [String: Double] {
        switch self {
        case let .gradientDescent(η): ["learningRate": η]
        case let .heavyBall(η, μ): ["learningRate": η, "momentum": μ]
        case let .nesterov(η, β): ["learningRate": η, "momentum": β]
        }
    }
}
