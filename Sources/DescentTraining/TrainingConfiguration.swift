// The knobs of a training run, gathered in one value so that a run can be
// described, saved with its checkpoint and repeated.

import DescentLinalg
import DescentNN

/// What early stopping watches.
public enum MonitoredMetric: String, Codable, Sendable, CaseIterable {
    /// Validation loss; lower is better.
    case validationLoss
    /// Validation accuracy; higher is better.
    case validationAccuracy
    /// Training loss (when there is no validation set); lower is better.
    case trainingLoss
}

/// Stop when the monitored metric has not improved for `patience` epochs, then
/// restore the weights of the best epoch (always — unlike Keras, whose
/// `restore_best_weights` defaults to `False`).
public struct EarlyStopping: Sendable, Equatable {
    public var monitor: MonitoredMetric
    /// Epochs without improvement tolerated before stopping (≥ 1).
    public var patience: Int
    /// The smallest change that counts as an improvement (≥ 0).
    public var minimumImprovement: Double

    public init(monitor: MonitoredMetric = .validationLoss, patience: Int = 5, minimumImprovement: Double = 0) {
        self.monitor = monitor
        self.patience = patience
        self.minimumImprovement = minimumImprovement
    }
}

/// How progress is shown.
public enum ProgressStyle: Sendable, Equatable {
    /// A line rewritten in place on a terminal, one line per epoch otherwise.
    case automatic
    /// One line per epoch.
    case lines
    /// Nothing.
    case silent
}

/// The configuration of a ``Trainer``.
public struct TrainingConfiguration<Scalar: BLASScalar>: Sendable {
    /// The number of passes over the training set (≥ 1).
    public var epochs: Int
    /// Examples per step, or `.full` for full-batch gradient descent.
    public var batchSize: BatchSize
    /// Seeds the per-epoch shuffles; the same seed gives bit-identical runs.
    public var seed: UInt64
    /// The loss minimized. Classification data sets pass labels to
    /// `.softmaxCrossEntropy`; other losses get the target matrix.
    public var loss: Loss
    /// Clipping and the non-finite gradient policy.
    public var gradientGuard: GradientGuard<Scalar>
    /// Drop a last batch smaller than `batchSize` each epoch.
    public var dropLastPartialBatch: Bool
    /// Early stopping, or `nil` to run every epoch.
    public var earlyStopping: EarlyStopping?
    /// A directory receiving `model.safetensors` and `trainer.safetensors`
    /// after every epoch (and `best-model.safetensors` with early stopping), or `nil`.
    public var checkpointDirectory: String?
    /// Keep one record per step in the history (on by default).
    public var recordsSteps: Bool
    /// How progress is shown.
    public var progress: ProgressStyle

    public init(
        epochs: Int, batchSize: BatchSize = 32, seed: UInt64 = 0, loss: Loss = .softmaxCrossEntropy,
        gradientGuard: GradientGuard<Scalar> = GradientGuard(), dropLastPartialBatch: Bool = false,
        earlyStopping: EarlyStopping? = nil, checkpointDirectory: String? = nil, recordsSteps: Bool = true,
        progress: ProgressStyle = .automatic
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.loss = loss
        self.gradientGuard = gradientGuard
        self.dropLastPartialBatch = dropLastPartialBatch
        self.earlyStopping = earlyStopping
        self.checkpointDirectory = checkpointDirectory
        self.recordsSteps = recordsSteps
        self.progress = progress
    }

    /// Checks every field, naming the first bad one.
    func validate() throws(TrainingError) {
        guard epochs >= 1 else { throw .invalidConfiguration("epochs = \(epochs); train for at least 1 epoch") }
        if case let .examples(size) = batchSize, size < 1 {
            throw .invalidConfiguration("batch size \(size); use at least 1 example per batch, or .full")
        }
        if let stopping = earlyStopping {
            guard stopping.patience >= 1 else {
                throw .invalidConfiguration("early-stopping patience \(stopping.patience); it must be ≥ 1")
            }
            guard stopping.minimumImprovement >= 0, stopping.minimumImprovement.isFinite else {
                throw .invalidConfiguration("early-stopping minimum improvement must be finite and ≥ 0")
            }
        }
    }
}
