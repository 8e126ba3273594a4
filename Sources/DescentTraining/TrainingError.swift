// Why training stopped early, as one typed error with a message a person can act on.

import DescentLinalg

/// A training run that could not go on.
public enum TrainingError: Error, Sendable, CustomStringConvertible {
    /// The loss (or the updated parameters) became NaN or ±∞. The trainer's
    /// model holds the weights from before that step; `lastCheckpoint` names the
    /// last checkpoint written, which is never one with non-finite weights.
    case diverged(step: Int, epoch: Int, loss: Double, lastCheckpoint: String?)
    /// A gradient held NaN or ±∞ and the guard's policy is `.stop`.
    case nonFiniteGradient(step: Int, epoch: Int, OptimizerError)
    /// The optimizer refused the update or the state.
    case optimizer(OptimizerError)
    /// The data could not be batched (empty, batch size < 1, …).
    case data(DatasetError)
    /// The configuration is inconsistent (named field and what to do).
    case invalidConfiguration(String)
    /// A checkpoint could not be written or read.
    case checkpoint(path: String, reason: String)
    /// A callback threw; its error's description.
    case callback(String)

    public var description: String {
        switch self {
        case let .diverged(step, epoch, loss, lastCheckpoint):
            "training diverged at step \(step) (epoch \(epoch + 1)): the loss is \(loss); the model keeps the weights from before that step"
                + (lastCheckpoint.map { ", and the last good checkpoint is \($0)" } ?? "")
                + ". Lower the learning rate, clip gradients, or standardize the inputs"
        case let .nonFiniteGradient(step, epoch, error):
            "step \(step) (epoch \(epoch + 1)): \(error)"
        case let .optimizer(error):
            "\(error)"
        case let .data(error):
            "\(error)"
        case let .invalidConfiguration(message):
            "invalid training configuration: \(message)"
        case let .checkpoint(path, reason):
            "checkpoint \(path): \(reason)"
        case let .callback(message):
            "a training callback failed: \(message)"
        }
    }
}
