// BatchNormSmoothness: the top Hessian eigenvalue of the same network with
// and without batch normalization, compared at matched training loss
// (Santurkar, Tsipras, Ilyas & Madry, NeurIPS 2018).
//
// Design note. Goals, in priority order:
// 1. A fair comparison: both networks have the same Dense layers drawn from
//    the same seed (the batch-normalized one adds a BatchNorm with γ = 1,
//    β = 0 before each hidden activation), are trained by the same full-batch
//    `SGD` at the same step η, and are compared when their training loss first
//    falls to the same level — not after the same number of steps, since the
//    batch-normalized network usually gets there sooner.
// 2. The Hessian is of the loss the optimizer sees: the full training loss
//    with batch statistics over the whole set (training mode), by exact
//    Hessian-vector products and Lanczos.
// 3. The edge-of-stability confound is reported, not hidden: full-batch GD
//    drives the sharpness of either network up to 2/η (Cohen et al. 2021), so
//    at a large η both would read 2/η whatever their landscape. The result
//    carries 2/η, and every measured S can be compared with it; the step
//    should be chosen so that S stays well below (S·η/2 ≪ 1).
//
// Sources: Santurkar et al., "How Does Batch Normalization Help
// Optimization?", NeurIPS 2018 (§3.1: smoothness of the loss landscape);
// Ioffe & Szegedy 2015; Cohen et al., ICLR 2021 (why η matters here).

import DescentAutograd
import DescentNN
import DescentTraining

/// The sharpness λmax(∇²L) of a multilayer perceptron with and without batch
/// normalization, at matched levels of the training loss.
///
/// ```swift
/// let data = try Dataset.standardizedDigits()
/// let result = try BatchNormSmoothnessExperiment(
///     configuration: .init(learningRate: 0.05, lossLevels: [0.2, 0.1, 0.05])).run(on: data)
/// for level in result.levels { print(level.lossLevel, level.plain.sharpness, level.batchNormalized.sharpness) }
/// ```
///
/// References: S. Santurkar, D. Tsipras, A. Ilyas, A. Madry, "How Does Batch
/// Normalization Help Optimization?", NeurIPS 2018.
public struct BatchNormSmoothnessExperiment: Sendable {
    /// The networks, the step and the loss levels.
    public struct Configuration: Sendable, Hashable {
        /// η > 0, the same for both networks. Keep 2/η well above the sharpness
        /// reached, or both networks meet at the edge of stability.
        public var learningRate: Double
        /// The training-loss levels at which the networks are compared, each > 0
        /// (any order; the result lists them from high to low).
        public var lossLevels: [Double]
        /// The widths of the hidden layers, each ≥ 1.
        public var hiddenSizes: [Int]
        /// The hidden activation.
        public var activation: ActivationFunction
        /// `.quadratic` (½-MSE, default) or `.softmaxCrossEntropy`.
        public var loss: Loss
        /// The most steps either network may take to reach the lowest level, ≥ 1.
        public var maximumSteps: Int
        /// Also measure S every this many steps (for the sharpness-against-loss
        /// curve); `nil` measures only at the levels.
        public var sharpnessInterval: Int?
        /// Seeds the Dense layers (the same for both networks) and the first Lanczos start.
        public var seed: UInt64
        /// Lanczos's relative residual tolerance, in (0, 1).
        public var sharpnessTolerance: Double

        /// - Parameters: see the properties.
        public init(
            learningRate: Double, lossLevels: [Double] = [0.2, 0.1, 0.05], hiddenSizes: [Int] = [64, 64, 64],
            activation: ActivationFunction = .tanh, loss: Loss = .quadratic, maximumSteps: Int = 20_000,
            sharpnessInterval: Int? = nil, seed: UInt64 = 0, sharpnessTolerance: Double = 1e-6
        ) {
            self.learningRate = learningRate
            self.lossLevels = lossLevels
            self.hiddenSizes = hiddenSizes
            self.activation = activation
            self.loss = loss
            self.maximumSteps = maximumSteps
            self.sharpnessInterval = sharpnessInterval
            self.seed = seed
            self.sharpnessTolerance = sharpnessTolerance
        }

        /// - Throws: ``ReproductionError/invalidConfiguration(_:)`` naming the first bad value.
        public func validate() throws(ReproductionError) {
            guard learningRate.isFinite, learningRate > 0 else {
                throw .invalidConfiguration("learning rate \(learningRate); it must be finite and > 0")
            }
            guard !lossLevels.isEmpty, lossLevels.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw .invalidConfiguration("loss levels \(lossLevels); give at least one, each finite and > 0")
            }
            guard hiddenSizes.allSatisfy({ $0 >= 1 }) else {
                throw .invalidConfiguration("hidden sizes \(hiddenSizes); every width must be ≥ 1")
            }
            guard loss == .quadratic || loss == .softmaxCrossEntropy else {
                throw .invalidConfiguration("loss \(loss); use .quadratic or .softmaxCrossEntropy")
            }
            guard maximumSteps >= 1 else { throw .invalidConfiguration("maximum steps \(maximumSteps); it must be ≥ 1") }
            if let interval = sharpnessInterval, interval < 1 {
                throw .invalidConfiguration("sharpness interval \(interval); it must be ≥ 1 (or nil)")
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

    /// Trains both networks on `data` (one full batch) until each reaches the
    /// lowest loss level, measuring S where each level is first reached.
    ///
    /// - Parameter data: a classification set with one-hot targets, features
    ///   already standardized (``Dataset/standardizedDigits()``).
    /// - Throws: ``ReproductionError/lossLevelNotReached(level:steps:loss:)`` when
    ///   a network does not get to a level within `maximumSteps`;
    ///   ``ReproductionError/diverged(step:loss:)``; configuration and data errors.
    public func run(on data: Dataset<Double>) throws(ReproductionError) -> BatchNormSmoothnessResult {
        try configuration.validate()
        let batch = try FullBatch(data)
        let plain = try train(batchNormalization: false, on: batch)
        let normalized = try train(batchNormalization: true, on: batch)
        let levels = zip(plain.levels, normalized.levels).map { plain, normalized in
            LossLevelComparison(lossLevel: plain.lossLevel, plain: plain, batchNormalized: normalized)
        }
        return BatchNormSmoothnessResult(
            configuration: configuration, levels: levels, plainTrajectory: plain.trajectory,
            batchNormalizedTrajectory: normalized.trajectory, plainLosses: plain.losses,
            batchNormalizedLosses: normalized.losses)
    }

    /// One network trained to the lowest level: the measurement at each level
    /// (high to low), the periodic (step, loss, S) trajectory and the loss at every step.
    private func train(batchNormalization: Bool, on batch: FullBatch) throws(ReproductionError)
        -> (levels: [LossLevelMeasurement], trajectory: [SharpnessAtLoss], losses: [Double])
    {
        let model = try multilayerPerceptron(
            inputs: batch.input.columns, hiddenSizes: configuration.hiddenSizes, outputs: batch.classCount,
            activation: configuration.activation, batchNormalization: batchNormalization, seed: configuration.seed)
        var objective = FullBatchObjective(model: model, batch: batch, loss: configuration.loss)
        var optimizer: SGD<Double>
        do {
            optimizer = try SGD(learningRate: configuration.learningRate, convention: .pytorch)
        } catch {
            throw .optimizer(error)
        }
        var parameters = model.parameters.map { $0.value }
        let tracker = batch.sharpnessTracker(
            loss: configuration.loss, tolerance: configuration.sharpnessTolerance, seed: configuration.seed)
        var pending = configuration.lossLevels.sorted(by: >)[...]
        var levels: [LossLevelMeasurement] = []
        var trajectory: [SharpnessAtLoss] = []
        var losses: [Double] = []
        for step in 0...configuration.maximumSteps {
            let (loss, variables, _) = objective.evaluate(at: parameters)
            let value = loss.scalarValue
            guard value.isFinite else { throw .diverged(step: step, loss: value) }
            losses.append(value)
            let reachesLevel = pending.first.map { value <= $0 } ?? false
            let isPeriodic = configuration.sharpnessInterval.map { step % $0 == 0 } ?? false
            var gradients: [Matrix<Double>]
            if reachesLevel || isPeriodic {
                // The operator's recorded gradient serves the step too.
                let hessian = HessianOperator(of: loss, withRespectTo: variables)
                gradients = hessian.gradient
                let point = SharpnessAtLoss(
                    step: step, loss: value, sharpness: try tracker.measurement(of: objective.model, step: step).value,
                    gradientCurvature: curvatureAlongGradient(hessian))
                trajectory.append(point)
                while let level = pending.first, value <= level {
                    levels.append(LossLevelMeasurement(lossLevel: level, point: point))
                    pending.removeFirst()
                }
                if pending.isEmpty { break }
            } else {
                gradients = gradient(of: loss, withRespectTo: variables).map { $0.value }
            }
            if step == configuration.maximumSteps { break }
            do {
                try optimizer.update(&parameters, with: gradients)
            } catch {
                throw .optimizer(error)
            }
        }
        if let level = pending.first {
            throw .lossLevelNotReached(level: level, steps: configuration.maximumSteps, loss: losses.last ?? .nan)
        }
        return (levels, trajectory, losses)
    }
}

// MARK: - Result

/// One network's state when its training loss first fell to a level.
public struct LossLevelMeasurement: Sendable, Hashable, Codable {
    /// The level.
    public var lossLevel: Double
    /// The first step t with L(θ_t) ≤ level.
    public var step: Int
    /// L(θ_t), at most the level.
    public var loss: Double
    /// S(θ_t) = λmax(∇²L(θ_t)).
    public var sharpness: Double
    /// gᵀHg/‖g‖² at θ_t with g = ∇L(θ_t): the curvature along the direction of
    /// the next step (Santurkar et al.'s "effective" smoothness looks along it).
    public var gradientCurvature: Double

    init(lossLevel: Double, point: SharpnessAtLoss) {
        self.lossLevel = lossLevel
        self.step = point.step
        self.loss = point.loss
        self.sharpness = point.sharpness
        self.gradientCurvature = point.gradientCurvature
    }
}

/// Both networks at one loss level.
public struct LossLevelComparison: Sendable, Hashable, Codable {
    /// The level.
    public var lossLevel: Double
    /// The network without batch normalization.
    public var plain: LossLevelMeasurement
    /// The network with batch normalization.
    public var batchNormalized: LossLevelMeasurement

    /// S(with) / S(without): below 1 when batch normalization gives the flatter point.
    public var sharpnessRatio: Double { batchNormalized.sharpness / plain.sharpness }
    /// The same ratio for the curvature along the gradient.
    public var gradientCurvatureRatio: Double { batchNormalized.gradientCurvature / plain.gradientCurvature }
}

/// A point of the sharpness-against-loss curve.
public struct SharpnessAtLoss: Sendable, Hashable, Codable {
    /// The step t.
    public var step: Int
    /// L(θ_t).
    public var loss: Double
    /// S(θ_t).
    public var sharpness: Double
    /// gᵀHg/‖g‖² at θ_t (see ``LossLevelMeasurement/gradientCurvature``).
    public var gradientCurvature: Double
}

/// What a ``BatchNormSmoothnessExperiment`` measured.
public struct BatchNormSmoothnessResult: Sendable {
    /// The configuration that produced the result.
    public let configuration: BatchNormSmoothnessExperiment.Configuration
    /// Both networks at each loss level, from the highest level to the lowest.
    public let levels: [LossLevelComparison]
    /// Every measurement of the network without batch normalization (periodic and at levels), in step order.
    public let plainTrajectory: [SharpnessAtLoss]
    /// Every measurement of the network with batch normalization, in step order.
    public let batchNormalizedTrajectory: [SharpnessAtLoss]
    /// L(θ_t) of the network without batch normalization, from step 0 to the step it reached the lowest level.
    public let plainLosses: [Double]
    /// L(θ_t) of the network with batch normalization (batch statistics), likewise.
    public let batchNormalizedLosses: [Double]

    /// 2/η: the sharpness full-batch gradient descent cannot stay above (the
    /// edge of stability). Measurements close to it say more about η than about the landscape.
    public var stabilityThreshold: Double { 2 / configuration.learningRate }

    /// The largest S·η/2 over both trajectories: well below 1 when neither
    /// network came near the edge of stability, so the comparison is about the landscape.
    public var largestThresholdFraction: Double {
        (plainTrajectory + batchNormalizedTrajectory).map { $0.sharpness / stabilityThreshold }.max() ?? .nan
    }
}
