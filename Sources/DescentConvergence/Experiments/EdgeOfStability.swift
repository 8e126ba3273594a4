// EdgeOfStability: full-batch gradient descent on a small network, with the
// sharpness S = λmax(∇²L) of the full training loss measured along the way
// (Cohen, Kaur, Li, Kolter & Talwalkar, ICLR 2021).
//
// Design note. Goals, in priority order:
// 1. The paper's protocol at a size that runs in seconds: the digits data
//    standardized per feature, a tanh MLP with PyTorch's default
//    initialization, the ½-MSE loss (1/n) Σ ½‖f(x) − y‖², full-batch steps of
//    `SGD` from DescentOptimizers (never a second gradient descent), the loss
//    every step and S every k steps (the Hessian module's `SharpnessTracker`:
//    Lanczos on exact Hessian-vector products, each measurement warm-started
//    from the previous top eigenvector).
// 2. Everything THEORY.md §7 asks a test to check is a field of the result:
//    the first crossing t* of the threshold, S/(2/η) after t* + 200, the share
//    of steps where the loss rises before and after t*, the final loss.
// 3. Momentum runs draw the right threshold: (2 + 2β)/η for heavy ball and
//    (2 + 2β)/((1 + 2β)η) for Nesterov (THEORY.md §§2–3).
//
// Sources: Cohen et al., "Gradient Descent on Neural Networks Typically Occurs
// at the Edge of Stability", ICLR 2021 (arXiv 2103.00065), and their code
// (github.com/locuslab/edge-of-stability); THEORY.md §7 for the digits recipe.

import DescentAutograd
import DescentNN
import DescentTraining

/// Full-batch gradient descent on a multilayer perceptron with its sharpness
/// tracked: the edge-of-stability experiment of Cohen et al. (ICLR 2021).
///
/// Sharpness is S(θ) = λmax(∇²L(θ)), the top eigenvalue of the Hessian of the
/// **full** training loss. Gradient descent with step η is stable on a
/// quadratic only while S < 2/η (THEORY.md §1); on a network, S first rises
/// (progressive sharpening), then hovers at or just above 2/η while the loss
/// keeps falling over long times but not monotonically (the edge of stability).
///
/// ```swift
/// let data = try Dataset.standardizedDigits()
/// let experiment = EdgeOfStabilityExperiment(
///     configuration: .init(learningRate: 0.5, steps: 3000, sharpnessInterval: 50))
/// let result = try experiment.run(on: data)
/// print(result.summary.firstCrossingStep, result.summary.medianRatioAfterSettling)
/// ```
///
/// References: J. Cohen, S. Kaur, Y. Li, J. Z. Kolter, A. Talwalkar, "Gradient
/// Descent on Neural Networks Typically Occurs at the Edge of Stability",
/// ICLR 2021.
public struct EdgeOfStabilityExperiment: Sendable {
    /// The optimizer: plain gradient descent or one of its momentum forms, all
    /// run by DescentOptimizers' `SGD` (PyTorch's buffer form, as Cohen et al. ran).
    public enum Method: Sendable, Hashable {
        /// θ ← θ − η∇L(θ).
        case gradientDescent
        /// Polyak's heavy ball with momentum β ∈ [0, 1).
        case heavyBall(momentum: Double)
        /// Nesterov's accelerated gradient with momentum β ∈ (0, 1).
        case nesterov(momentum: Double)

        /// The sharpness above which the method is unstable on a quadratic
        /// with that curvature (THEORY.md §§1–3):
        /// 2/η (gradient descent), (2 + 2β)/η (heavy ball),
        /// (2 + 2β)/((1 + 2β)η) (Nesterov).
        /// - Parameter learningRate: η > 0.
        public func stabilityThreshold(learningRate: Double) -> Double {
            switch self {
            case .gradientDescent: 2 / learningRate
            case let .heavyBall(beta): (2 + 2 * beta) / learningRate
            case let .nesterov(beta): (2 + 2 * beta) / ((1 + 2 * beta) * learningRate)
            }
        }
    }

    /// What to train and how often to measure.
    public struct Configuration: Sendable, Hashable {
        /// η > 0, constant.
        public var learningRate: Double
        /// Plain gradient descent (default), heavy ball or Nesterov.
        public var method: Method
        /// Full-batch steps to take, ≥ 1.
        public var steps: Int
        /// Measure S every this many steps (and at step 0 and the last step), ≥ 1.
        public var sharpnessInterval: Int
        /// The widths of the hidden layers, each ≥ 1 (THEORY.md §7: 32, 32).
        public var hiddenSizes: [Int]
        /// The hidden layers' activation (tanh, as in the paper's `fc-tanh`).
        public var activation: ActivationFunction
        /// `.quadratic` (the ½-MSE of the paper, default) or `.softmaxCrossEntropy`.
        public var loss: Loss
        /// Seeds the initialization and the first sharpness start vector (later
        /// measurements start from the previous top eigenvector).
        public var seed: UInt64
        /// Lanczos's relative residual tolerance for each sharpness measurement,
        /// in (0, 1): the measurement stops when ‖Hy − Sy‖ ≤ tolerance·S, so S
        /// is within tolerance·S of an eigenvalue (and typically much closer).
        public var sharpnessTolerance: Double

        /// - Parameters: see the properties; the defaults are THEORY.md §7's recipe.
        public init(
            learningRate: Double, method: Method = .gradientDescent, steps: Int = 3000, sharpnessInterval: Int = 50,
            hiddenSizes: [Int] = [32, 32], activation: ActivationFunction = .tanh, loss: Loss = .quadratic,
            seed: UInt64 = 0, sharpnessTolerance: Double = 1e-6
        ) {
            self.learningRate = learningRate
            self.method = method
            self.steps = steps
            self.sharpnessInterval = sharpnessInterval
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.loss = loss
            self.seed = seed
            self.sharpnessTolerance = sharpnessTolerance
        }

        /// The threshold the sharpness is compared with: 2/η for gradient
        /// descent, the momentum forms' bounds otherwise (``Method/stabilityThreshold(learningRate:)``).
        public var threshold: Double { method.stabilityThreshold(learningRate: learningRate) }

        /// - Throws: ``ReproductionError/invalidConfiguration(_:)`` naming the first bad value.
        public func validate() throws(ReproductionError) {
            guard learningRate.isFinite, learningRate > 0 else {
                throw .invalidConfiguration("learning rate \(learningRate); it must be finite and > 0")
            }
            switch method {
            case .gradientDescent: break
            case let .heavyBall(beta):
                guard beta >= 0, beta < 1 else {
                    throw .invalidConfiguration("heavy-ball momentum \(beta); it must be in [0, 1)")
                }
            case let .nesterov(beta):
                guard beta > 0, beta < 1 else { throw .invalidConfiguration("Nesterov momentum \(beta); it must be in (0, 1)") }
            }
            guard steps >= 1 else { throw .invalidConfiguration("\(steps) steps; at least 1 is needed") }
            guard sharpnessInterval >= 1 else {
                throw .invalidConfiguration("sharpness interval \(sharpnessInterval); it must be ≥ 1")
            }
            guard hiddenSizes.allSatisfy({ $0 >= 1 }) else {
                throw .invalidConfiguration("hidden sizes \(hiddenSizes); every width must be ≥ 1")
            }
            guard loss == .quadratic || loss == .softmaxCrossEntropy else {
                throw .invalidConfiguration("loss \(loss); use .quadratic or .softmaxCrossEntropy")
            }
            guard sharpnessTolerance > 0, sharpnessTolerance < 1 else {
                throw .invalidConfiguration("sharpness tolerance \(sharpnessTolerance); it must be in (0, 1)")
            }
        }
    }

    /// The configuration of the runs.
    public var configuration: Configuration

    /// An experiment with `configuration`.
    public init(configuration: Configuration) { self.configuration = configuration }

    // MARK: - Running

    /// Trains a fresh model on `data` (one full batch) and measures it.
    ///
    /// - Parameter data: a classification set with one-hot targets, features
    ///   already standardized (``Dataset/standardizedDigits()`` gives THEORY.md §7's).
    /// - Returns: the loss and accuracy at every step, the sharpness series and the summary.
    /// - Throws: ``ReproductionError`` for a bad configuration or data, and
    ///   ``ReproductionError/diverged(step:loss:)`` when the loss stops being finite.
    /// - Complexity: `steps` gradient evaluations plus, per measurement, one
    ///   gradient with its graph and 4–50 Hessian-vector products (≈ 2 gradients each).
    public func run(on data: Dataset<Double>) throws(ReproductionError) -> EdgeOfStabilityResult {
        try configuration.validate()
        let batch = try FullBatch(data)
        let model = try multilayerPerceptron(
            inputs: data.featureCount, hiddenSizes: configuration.hiddenSizes, outputs: batch.classCount,
            activation: configuration.activation, batchNormalization: false, seed: configuration.seed)
        var objective = FullBatchObjective(model: model, batch: batch, loss: configuration.loss)
        var optimizer = try makeOptimizer()
        var parameters = model.parameters.map { $0.value }
        let tracker = batch.sharpnessTracker(
            loss: configuration.loss, tolerance: configuration.sharpnessTolerance, seed: configuration.seed)

        var losses: [Double] = [], accuracies: [Double] = []
        var sharpness: [SharpnessMeasurement] = []
        losses.reserveCapacity(configuration.steps + 1)
        accuracies.reserveCapacity(configuration.steps + 1)
        for step in 0...configuration.steps {
            let (loss, variables, correct) = objective.evaluate(at: parameters)
            let value = loss.scalarValue
            guard value.isFinite else { throw .diverged(step: step, loss: value) }
            losses.append(value)
            accuracies.append(Double(correct) / Double(batch.count))
            let isMeasured = step % configuration.sharpnessInterval == 0 || step == configuration.steps
            if isMeasured { sharpness.append(try tracker.measurement(of: objective.model, step: step)) }
            let gradients = gradient(of: loss, withRespectTo: variables).map { $0.value }
            if step == configuration.steps { break }
            do {
                try optimizer.update(&parameters, with: gradients)
            } catch {
                throw .optimizer(error)
            }
        }
        return EdgeOfStabilityResult(
            configuration: configuration, losses: losses, accuracies: accuracies, sharpness: sharpness,
            finalParameters: parameters)
    }

    /// DescentOptimizers' SGD for the method, in PyTorch's convention (Cohen et al. used `torch.optim.SGD`).
    private func makeOptimizer() throws(ReproductionError) -> SGD<Double> {
        let rate = configuration.learningRate
        do {
            switch configuration.method {
            case .gradientDescent: return try SGD(learningRate: rate, convention: .pytorch)
            case let .heavyBall(beta): return try SGD(learningRate: rate, momentum: beta, convention: .pytorch)
            case let .nesterov(beta):
                return try SGD(learningRate: rate, momentum: beta, nesterov: .reformulated, convention: .pytorch)
            }
        } catch {
            throw .optimizer(error)
        }
    }
}
