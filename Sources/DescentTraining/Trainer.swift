// The training loop: shuffled mini-batches each epoch (note 004), one
// optimizer step per batch, validation each epoch, callbacks, early stopping,
// checkpoints and divergence detection.
//
// Design goals, in priority order:
// 1. Nothing is lost: a NaN loss stops with a typed error and the model keeps
//    its last good weights; checkpoints are written atomically and never hold
//    non-finite weights; resuming gives the same bits as not stopping.
// 2. Bit-reproducible: the batches of epoch e depend on (seed, e) only, and
//    every reduction runs in a fixed order (with a fixed BLAS thread count).
// 3. Generic over the concrete model and optimizer types, so that the whole
//    step specializes (no existential in the hot loop).

import DescentAutograd
import DescentLinalg
import DescentNN

/// What a step callback sees.
public struct StepContext<Model: Layer> {
    /// The global step just taken, from 1.
    public let step: Int
    /// The epoch, from 0.
    public let epoch: Int
    /// The mini-batch loss before the update.
    public let loss: Double
    /// The model after the update.
    public let model: Model
    /// The batch the step used.
    public let batch: Batch<Model.Scalar>
}

/// Whether training goes on after a callback.
public enum CallbackDecision: Sendable {
    case proceed, stop
}

/// Trains a model with an optimizer on a data set.
///
/// ```swift
/// let digits = try Dataset.load(.digits, as: Float.self)
/// let splits = try digits.split(trainingFraction: 0.8, validationFraction: 0.1, seed: 1, stratified: true)
/// var trainer = Trainer(
///     model: model, optimizer: try Adam<Float>(learningRate: 1e-3),
///     configuration: TrainingConfiguration(epochs: 20, batchSize: 32, seed: 1))
/// let history = try trainer.fit(splits.training, validation: splits.validation)
/// ```
public struct Trainer<Model: Layer, Method: Optimizer> where Method.Scalar == Model.Scalar {
    public typealias Scalar = Model.Scalar

    /// The model (after `fit`, the best epoch's weights when early stopping is on).
    public internal(set) var model: Model
    /// The optimizer with its state.
    public var optimizer: Method
    public var configuration: TrainingConfiguration<Scalar>
    /// Everything recorded so far (kept across `resume`).
    public internal(set) var history = TrainingHistory()
    /// Epochs completed.
    public internal(set) var completedEpochs = 0
    /// Steps taken (including skipped ones).
    public internal(set) var step = 0

    var stepCallbacks: [(every: Int, action: (StepContext<Model>) throws -> CallbackDecision)] = []
    var recorders: [(name: String, every: Int, measure: (StepContext<Model>) throws -> Double)] = []
    var epochCallbacks: [(EpochRecord, Model) throws -> CallbackDecision] = []
    var earlyStoppingState = EarlyStoppingState()
    var bestModel: Model?

    /// Reduce-on-plateau for the learning rate, driven by `plateauMetric` after
    /// each epoch: when it reduces, the optimizer's `.learningRate` becomes
    /// `plateau.value` (build it with `initialValue` = the starting rate). Its
    /// state is saved in checkpoints. With a ``Scheduled`` optimizer that
    /// schedules the rate, use its `factors` from an epoch callback instead.
    public var plateau: ReduceOnPlateau?
    /// The metric the plateau rule watches (validation loss by default).
    public var plateauMetric: MonitoredMetric = .validationLoss

    public init(model: Model, optimizer: Method, configuration: TrainingConfiguration<Scalar>) {
        self.model = model
        self.optimizer = optimizer
        self.configuration = configuration
    }

    // MARK: - Callbacks

    /// Calls `action` after every `k`-th step (k ≥ 1); returning `.stop` ends training after that step.
    public mutating func onStep(every k: Int = 1, _ action: @escaping (StepContext<Model>) throws -> CallbackDecision) {
        stepCallbacks.append((Swift.max(1, k), action))
    }

    /// Records `measure` under `name` after every `k`-th step (and after the
    /// last one), in `history.recorded[name]`. The convergence module plugs the
    /// Hessian's top eigenvalue in here.
    public mutating func record(_ name: String, every k: Int, _ measure: @escaping (StepContext<Model>) throws -> Double) {
        recorders.append((name, Swift.max(1, k), measure))
    }

    /// Calls `action` after each epoch's validation; `.stop` ends training.
    public mutating func onEpochEnd(_ action: @escaping (EpochRecord, Model) throws -> CallbackDecision) {
        epochCallbacks.append(action)
    }

    // MARK: - Training

    /// Trains until `configuration.epochs` epochs are complete (counting those
    /// before a `resume`), early stopping fires, or a callback stops.
    /// - Returns: the history (also in ``history``).
    /// - Throws: ``TrainingError/diverged(step:epoch:loss:lastCheckpoint:)`` when
    ///   the loss or the weights become non-finite (the model keeps its last
    ///   good weights); other ``TrainingError`` cases for bad data,
    ///   configuration, checkpoints or callbacks.
    @discardableResult
    public mutating func fit(_ training: Dataset<Scalar>, validation: Dataset<Scalar>? = nil) throws(TrainingError)
        -> TrainingHistory
    {
        try configuration.validate()
        if let stopping = configuration.earlyStopping, stopping.monitor != .trainingLoss, validation == nil {
            throw .invalidConfiguration("early stopping monitors \(stopping.monitor.rawValue) but no validation set was given")
        }
        var progress = ProgressPrinter(style: configuration.progress, epochs: configuration.epochs)
        while completedEpochs < configuration.epochs {
            let epoch = completedEpochs
            let started = monotonicSeconds()
            let batches: Batches<Scalar>
            do {
                batches = try training.batches(
                    size: configuration.batchSize, epoch: epoch, seed: configuration.seed,
                    dropLast: configuration.dropLastPartialBatch)
            } catch { throw .data(error) }
            var lossSum = 0.0, examples = 0, correct = 0
            var stopRequested = false
            for (position, batch) in batches.enumerated() {
                let outcome = try takeStep(on: batch, epoch: epoch)
                lossSum += outcome.loss * Double(batch.count)
                examples += batch.count
                correct += outcome.correct
                progress.batch(epoch: epoch, position: position + 1, of: batches.count, loss: outcome.loss)
                if try runStepCallbacks(batch: batch, epoch: epoch, loss: outcome.loss, isLast: position == batches.count - 1) {
                    stopRequested = true
                    break
                }
            }
            completedEpochs += 1
            var record = EpochRecord(
                epoch: epoch, step: step, trainingLoss: lossSum / Double(Swift.max(examples, 1)),
                trainingAccuracy: training.isClassification ? Double(correct) / Double(Swift.max(examples, 1)) : nil,
                validationLoss: nil, validationAccuracy: nil, learningRate: optimizer.currentLearningRate.map(Double.init) ?? .nan,
                seconds: 0)
            if let validation {
                let evaluation = evaluate(validation)
                guard evaluation.loss.isFinite else {
                    throw .diverged(step: step, epoch: epoch, loss: evaluation.loss, lastCheckpoint: lastCheckpointPath)
                }
                record.validationLoss = evaluation.loss
                record.validationAccuracy = evaluation.accuracy
            }
            record.seconds = monotonicSeconds() - started
            history.epochs.append(record)
            progress.epochEnded(record)
            let stopEarly = try updateEarlyStopping(with: record)
            try updatePlateau(with: record)
            for callback in epochCallbacks {
                do {
                    if try callback(record, model) == .stop { stopRequested = true }
                } catch { throw .callback(String(describing: error)) }
            }
            if configuration.checkpointDirectory != nil { try writeCheckpoint() }
            if stopEarly || stopRequested { break }
        }
        restoreBestModel()
        return history
    }

    /// Loss and accuracy of the model on `data` in inference mode (no tape, running statistics).
    public func evaluate(_ data: Dataset<Scalar>) -> (loss: Double, accuracy: Double?) {
        withoutGradients {
            let output = model(Tensor(data.features))
            let loss = Self.lossTensor(configuration.loss, output, targets: data.targets, labels: data.labels)
            let accuracy = data.labels.map {
                Double(Self.correctCount(configuration.loss, output.value, $0)) / Double(Swift.max(data.count, 1))
            }
            return (Double(loss.scalarValue), accuracy)
        }
    }

    // MARK: - One step

    /// An error thrown inside the gradient oracle to abandon a step without updating.
    private struct SkipStep: Error {}

    private mutating func takeStep(on batch: Batch<Scalar>, epoch: Int) throws(TrainingError) -> (loss: Double, correct: Int) {
        step += 1
        var working = model
        // One read of the parameter list serves the update and the gradient
        // (each read of a `Sequential`'s list rebuilds its names). Closures, not
        // key paths: in generic code `map(\.value)` builds its key path at run
        // time on every call (`swift_getKeyPath`, a few µs in a profile).
        let current = working.parameters
        let before = current.map { $0.value }
        var parameters = before
        var loss = Double.nan, correct = 0, norm = Double.nan
        var skipped = false
        let guardrail = configuration.gradientGuard, lossFunction = configuration.loss, currentStep = step
        do {
            try optimizer.step(&parameters) { point in
                // Methods that look ahead ask for the gradient elsewhere.
                var variables = current
                if !Self.identical(point, before) {
                    working.updateParameterValues(point)
                    variables = working.parameters
                }
                let output = working.forward(Tensor(batch.features), mode: .training)
                let lossValue = Self.lossTensor(lossFunction, output, targets: batch.targets, labels: batch.labels)
                loss = Double(lossValue.scalarValue)
                guard loss.isFinite else {
                    throw TrainingError.diverged(step: currentStep, epoch: epoch, loss: loss, lastCheckpoint: nil)
                }
                if let labels = batch.labels { correct = Self.correctCount(lossFunction, output.value, labels) }
                var gradients = gradient(of: lossValue, withRespectTo: variables).map { $0.value }
                let report = try guardrail.apply(to: &gradients)
                norm = Double(report.norm)
                if report.skipped { throw SkipStep() }
                return gradients
            }
        } catch is SkipStep {
            skipped = true
        } catch let error as TrainingError {
            if case let .diverged(step, epoch, loss, _) = error {
                throw .diverged(step: step, epoch: epoch, loss: loss, lastCheckpoint: lastCheckpointPath)
            }
            throw error
        } catch let error as OptimizerError {
            if case .nonFiniteGradient = error { throw .nonFiniteGradient(step: step, epoch: epoch, error) }
            throw .optimizer(error)
        } catch {
            throw .callback(String(describing: error))
        }
        if !skipped {
            if !allElementsFinite(parameters) {
                throw .diverged(step: step, epoch: epoch, loss: .infinity, lastCheckpoint: lastCheckpointPath)
            }
            // Keep the running statistics the forward pass updated, then the new weights.
            model = working
            model.updateParameterValues(parameters)
        }
        if configuration.recordsSteps {
            history.steps.append(
                StepRecord(
                    step: step, epoch: epoch, loss: loss, gradientNorm: norm,
                    learningRate: optimizer.currentLearningRate.map(Double.init) ?? .nan, skipped: skipped))
        }
        return (loss, correct)
    }

    private static func identical(_ a: [Matrix<Scalar>], _ b: [Matrix<Scalar>]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
    }

    private mutating func runStepCallbacks(batch: Batch<Scalar>, epoch: Int, loss: Double, isLast: Bool) throws(TrainingError) -> Bool {
        guard !stepCallbacks.isEmpty || !recorders.isEmpty else { return false }
        let context = StepContext(step: step, epoch: epoch, loss: loss, model: model, batch: batch)
        var stop = false
        do {
            for recorder in recorders where step % recorder.every == 0 || (isLast && completedEpochs + 1 == configuration.epochs) {
                history.recorded[recorder.name, default: []].append(RecordedValue(step: step, value: try recorder.measure(context)))
            }
            for callback in stepCallbacks where step % callback.every == 0 {
                if try callback.action(context) == .stop { stop = true }
            }
        } catch { throw .callback(String(describing: error)) }
        return stop
    }

    // MARK: - Loss and accuracy

    static func lossTensor(_ loss: Loss, _ output: Tensor<Scalar>, targets: Matrix<Scalar>, labels: [Int]?) -> Tensor<Scalar> {
        if loss == .softmaxCrossEntropy, let labels { return loss(output, labels: labels) }
        return loss(output, targets)
    }

    /// Examples whose predicted class equals the label: the arg-max column, or
    /// for one output column the side of the threshold (0.5 for probabilities, 0 for logits).
    static func correctCount(_ loss: Loss, _ output: Matrix<Scalar>, _ labels: [Int]) -> Int {
        correctPredictions(loss, output, labels)
    }
}

// MARK: - Element loops, specialized

// Free functions with `@specialized`: code inside the generic `Trainer` is not
// specialized, so an element loop written there (or an `@inlinable` one it
// calls, such as `Matrix.isFinite`) runs through generic witnesses at ~15 ns an
// element — 150 µs a step for the 9,610 parameters of a 64-128-10 network.

/// Whether every element of every matrix is finite (no NaN, no ±∞).
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
func allElementsFinite<Scalar: BLASScalar>(_ matrices: [Matrix<Scalar>]) -> Bool {
    matrices.allSatisfy { $0.isFinite }
}

/// Examples whose predicted class equals the label (see `Trainer.correctCount`).
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
func correctPredictions<Scalar: BLASScalar>(_ loss: Loss, _ output: Matrix<Scalar>, _ labels: [Int]) -> Int {
    var correct = 0
    let threshold: Scalar = loss == .binaryCrossEntropy ? 0.5 : 0
    output.withUnsafeElements { values in
        let columns = output.columns
        for row in 0..<output.rows {
            let predicted: Int
            if columns == 1 {
                predicted = values[row] > threshold ? 1 : 0
            } else {
                var best = 0
                for column in 1..<columns where values[row * columns + column] > values[row * columns + best] { best = column }
                predicted = best
            }
            if predicted == labels[row] { correct += 1 }
        }
    }
    return correct
}
