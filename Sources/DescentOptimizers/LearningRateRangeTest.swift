// The learning-rate range test: a short run with the rate growing
// exponentially, recording the loss, to see where training starts to make
// progress and where it diverges.
//
// Sources: Smith, "Cyclical Learning Rates for Training Neural Networks",
// WACV 2017, §3.3 (the "LR range test"); fastai's `lr_find` (exponential
// schedule, loss smoothed by a bias-corrected moving average with β = 0.98,
// stop when the smoothed loss exceeds 4× the best, the "steep" and
// "minimum" suggestions).

import DescentLinalg
import Foundation

/// An exponential sweep of the learning rate over a short run (Smith 2017;
/// fastai's `lr_find`).
///
/// Update i (i = 0 … n − 1) uses
///
///     η_i = η_start·(η_end/η_start)^{i/(n−1)},
///
/// so the first update uses η_start and the last η_end (fastai stops one
/// step short of η_end). The loss ℓ_i is the one the evaluation closure
/// returns at the parameters the update starts from, smoothed with a
/// bias-corrected exponential moving average (β = 0.98 by default):
///
///     v_i = β·v_{i−1} + (1 − β)·ℓ_i  (v₋₁ = 0),      ℓ̄_i = v_i / (1 − β^{i+1}).
///
/// The run stops early when ℓ̄_i exceeds `divergenceFactor` (4) times the
/// smallest ℓ̄ so far, or when the loss is NaN or ±∞. The losses are assumed
/// non-negative (the divergence test compares with a multiple of the best).
public struct LearningRateRangeTest: Sendable, Equatable {
    /// η_start > 0, the rate of the first update.
    public let startLearningRate: Double
    /// η_end > η_start, the rate of the last update.
    public let endLearningRate: Double
    /// n ≥ 2, the number of updates if the run does not diverge first.
    public let steps: Int
    /// β ∈ [0, 1), the smoothing of the loss (0: no smoothing).
    public let smoothing: Double
    /// The run stops when the smoothed loss exceeds this multiple (> 1) of its minimum.
    public let divergenceFactor: Double

    /// - Parameters:
    ///   - startLearningRate: η_start > 0 (fastai's default 10⁻⁷).
    ///   - endLearningRate: η_end > η_start (fastai's default 10).
    ///   - steps: n ≥ 2 (fastai's default 100).
    ///   - smoothing: β ∈ [0, 1) (default 0.98).
    ///   - divergenceFactor: > 1 (default 4).
    /// - Throws: `ScheduleError.invalidParameter` for values out of range.
    public init(
        from startLearningRate: Double = 1e-7, to endLearningRate: Double = 10, steps: Int = 100,
        smoothing: Double = 0.98, divergenceFactor: Double = 4
    ) throws(ScheduleError) {
        let name = "LearningRateRangeTest"
        try requireParameter(startLearningRate, "startLearningRate", of: name, "> 0") { $0 > 0 }
        try requireParameter(endLearningRate, "endLearningRate", of: name, "> startLearningRate (\(startLearningRate))") {
            $0 > startLearningRate
        }
        try requireCount(steps, "steps", of: name, "≥ 2") { $0 >= 2 }
        try requireParameter(smoothing, "smoothing", of: name, "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try requireParameter(divergenceFactor, "divergenceFactor", of: name, "> 1") { $0 > 1 }
        self.startLearningRate = startLearningRate
        self.endLearningRate = endLearningRate
        self.steps = steps
        self.smoothing = smoothing
        self.divergenceFactor = divergenceFactor
    }

    /// η_i, the rate of update i (clamped to 0 … n − 1).
    public func learningRate(atStep step: Int) -> Double {
        let fraction = Double(min(max(step, 0), steps - 1)) / Double(steps - 1)
        return startLearningRate * pow(endLearningRate / startLearningRate, fraction)
    }

    // MARK: - Running

    /// Runs the sweep from `parameters` on a copy of `optimizer` (neither the
    /// caller's optimizer nor its parameters change).
    ///
    /// - Parameters:
    ///   - optimizer: a method with a `.learningRate` hyperparameter, usually
    ///     fresh; its rate is set before every update (do not pass a
    ///     `Scheduled` optimizer that schedules the rate: it would override it).
    ///   - parameters: the starting point.
    ///   - evaluate: the loss and its gradients at given parameters (a
    ///     mini-batch each call for a stochastic run). Called once per update
    ///     (at the look-ahead point for Nesterov's look-ahead form).
    /// - Returns: the records and the suggested rates.
    /// - Throws: `OptimizerError.unknownHyperparameter` when the optimizer has
    ///   no learning rate, its `.invalidHyperparameter` when a rate of the
    ///   sweep is out of its range, the optimizer's shape errors, and whatever
    ///   `evaluate` throws.
    public func run<O: Optimizer>(
        _ optimizer: O, from parameters: [Matrix<O.Scalar>],
        evaluate: ([Matrix<O.Scalar>]) throws -> (loss: O.Scalar, gradients: [Matrix<O.Scalar>])
    ) throws -> LearningRateRangeTestResult {
        var optimizer = optimizer
        var parameters = parameters
        var records: [LearningRateRangeTestResult.Record] = []
        records.reserveCapacity(steps)
        var average = 0.0, correction = 1.0
        var best = Double.infinity
        for step in 0..<steps {
            let learningRate = learningRate(atStep: step)
            try optimizer.setValue(O.Scalar(learningRate), for: .learningRate)
            var loss = O.Scalar.nan
            try optimizer.step(&parameters) { point in
                let evaluation = try evaluate(point)
                loss = evaluation.loss
                return evaluation.gradients
            }
            let value = Double(loss)
            average = smoothing * average + (1 - smoothing) * value
            correction *= smoothing
            let smoothed = average / (1 - correction)
            records.append(.init(step: step, learningRate: learningRate, loss: value, smoothedLoss: smoothed))
            guard value.isFinite, smoothed.isFinite else {
                return LearningRateRangeTestResult(records: records, stopReason: .nonFiniteLoss)
            }
            best = min(best, smoothed)
            if smoothed > divergenceFactor * best {
                return LearningRateRangeTestResult(records: records, stopReason: .diverged)
            }
        }
        return LearningRateRangeTestResult(records: records, stopReason: .completed)
    }
}

// MARK: - Result

/// The records of a learning-rate range test and the rates it suggests.
public struct LearningRateRangeTestResult: Sendable, Equatable {
    /// One update of the sweep.
    public struct Record: Sendable, Equatable {
        /// i, the update number.
        public let step: Int
        /// η_i.
        public let learningRate: Double
        /// ℓ_i, the loss at the parameters update i started from.
        public let loss: Double
        /// ℓ̄_i, the bias-corrected moving average of the losses up to ℓ_i.
        public let smoothedLoss: Double
    }

    /// Why the sweep ended.
    public enum StopReason: String, Sendable, Equatable {
        /// All n updates ran.
        case completed
        /// The smoothed loss exceeded `divergenceFactor` times its minimum.
        case diverged
        /// A loss was NaN or ±∞.
        case nonFiniteLoss
    }

    /// One record per update taken, the last one being the update that stopped the run.
    public let records: [Record]
    /// Why the run ended.
    public let stopReason: StopReason

    /// The record with the smallest finite smoothed loss.
    public var minimumRecord: Record? {
        records.filter(\.smoothedLoss.isFinite).min { $0.smoothedLoss < $1.smoothedLoss }
    }

    /// η at the minimum of the smoothed loss. Usually already too large to
    /// train with: the loss is about to rise.
    public var minimumLossLearningRate: Double? { minimumRecord?.learningRate }

    /// fastai's "minimum" suggestion: `minimumLossLearningRate / 10`.
    public var minimumLossLearningRateOverTen: Double? { minimumLossLearningRate.map { $0 / 10 } }

    /// fastai's "steep" suggestion: η_i where the smoothed loss falls fastest
    /// against log η, the most negative (ℓ̄_{i+1} − ℓ̄_i)/(ln η_{i+1} − ln η_i),
    /// among the records up to the minimum of the smoothed loss (the rise
    /// after it is divergence, not descent). `nil` when the smoothed loss
    /// never decreased.
    public var steepestDescentLearningRate: Double? {
        guard let minimum = minimumRecord, minimum.step > 0 else { return nil }
        var steepest: (slope: Double, learningRate: Double)?
        for index in 0..<minimum.step {
            let (current, next) = (records[index], records[index + 1])
            let slope = (next.smoothedLoss - current.smoothedLoss) / (log(next.learningRate) - log(current.learningRate))
            if slope < 0, slope < steepest?.slope ?? .infinity {
                steepest = (slope, current.learningRate)
            }
        }
        return steepest?.learningRate
    }

    /// The suggested rate: `steepestDescentLearningRate` (Smith's advice — the
    /// rate where the loss falls fastest trains well), falling back to
    /// `minimumLossLearningRateOverTen` when the loss never decreased.
    public var suggestedLearningRate: Double? { steepestDescentLearningRate ?? minimumLossLearningRateOverTen }
}
