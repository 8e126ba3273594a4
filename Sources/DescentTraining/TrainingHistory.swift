// What a training run leaves behind: one record per step, one per epoch, and
// any quantity a callback measured every k steps.

import DescentLinalg
import Foundation

/// One optimizer step.
public struct StepRecord: Codable, Sendable, Equatable {
    /// The global step, from 1.
    public var step: Int
    /// The epoch it belongs to, from 0.
    public var epoch: Int
    /// The mini-batch loss before the update.
    public var loss: Double
    /// ‖g‖ over all parameters, before clipping.
    public var gradientNorm: Double
    /// The learning rate used (NaN for methods without one).
    public var learningRate: Double
    /// Whether the step was skipped (a non-finite gradient under `.skipStep`).
    public var skipped: Bool
}

/// One epoch: training averages and validation metrics.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// The epoch, from 0.
    public var epoch: Int
    /// The global step at the end of the epoch.
    public var step: Int
    /// The mean mini-batch loss over the epoch, weighted by batch size.
    public var trainingLoss: Double
    /// The fraction of training examples classified right during the epoch (classification only).
    public var trainingAccuracy: Double?
    /// The loss on the validation set after the epoch.
    public var validationLoss: Double?
    /// The validation accuracy after the epoch (classification only).
    public var validationAccuracy: Double?
    /// The learning rate the epoch's last step used (before any reduce-on-plateau change).
    public var learningRate: Double
    /// Wall-clock seconds the epoch took (excluded from equality: runs differ).
    public var seconds: Double

    public static func == (lhs: EpochRecord, rhs: EpochRecord) -> Bool {
        lhs.epoch == rhs.epoch && lhs.step == rhs.step && lhs.trainingLoss.bitPattern == rhs.trainingLoss.bitPattern
            && lhs.trainingAccuracy == rhs.trainingAccuracy && lhs.validationLoss == rhs.validationLoss
            && lhs.validationAccuracy == rhs.validationAccuracy && lhs.learningRate == rhs.learningRate
    }
}

/// A value a callback recorded at a step (the Hessian's top eigenvalue, say).
public struct RecordedValue: Codable, Sendable, Equatable {
    public var step: Int
    public var value: Double
}

/// Everything a run recorded, in order. Written as CSV or JSON.
public struct TrainingHistory: Codable, Sendable, Equatable {
    public var steps: [StepRecord] = []
    public var epochs: [EpochRecord] = []
    /// Series recorded by ``Trainer/record(_:every:_:)``, by name.
    public var recorded: [String: [RecordedValue]] = [:]
    /// The epoch whose weights the model holds after early stopping restored them.
    public var restoredEpoch: Int?

    public init() {}

    /// The history as JSON (`steps`, `epochs`, `recorded`), written atomically.
    /// - Throws: `LinalgError.file` when the file cannot be written.
    public func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFileWriter.write(Array(try encoder.encode(self)), to: path)
    }

    /// The per-epoch records as CSV (one row per epoch; empty cells for absent metrics), written atomically.
    public func writeEpochCSV(to path: String) throws {
        var lines = ["epoch,step,training_loss,training_accuracy,validation_loss,validation_accuracy,learning_rate,seconds"]
        func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        for record in epochs {
            lines.append(
                [
                    "\(record.epoch)", "\(record.step)", cell(record.trainingLoss), cell(record.trainingAccuracy),
                    cell(record.validationLoss), cell(record.validationAccuracy), cell(record.learningRate),
                    cell(record.seconds),
                ].joined(separator: ","))
        }
        try AtomicFileWriter.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
    }

    /// The per-step records as CSV, with one extra column per recorded series
    /// (empty where the series has no value at that step), written atomically.
    public func writeStepCSV(to path: String) throws {
        let names = recorded.keys.sorted()
        let lookup = names.map { name in Dictionary(recorded[name]!.map { ($0.step, $0.value) }, uniquingKeysWith: { $1 }) }
        var lines = [(["step", "epoch", "loss", "gradient_norm", "learning_rate", "skipped"] + names).joined(separator: ",")]
        for record in steps {
            var cells = [
                "\(record.step)", "\(record.epoch)", "\(record.loss)", "\(record.gradientNorm)", "\(record.learningRate)",
                record.skipped ? "1" : "0",
            ]
            for series in lookup { cells.append(series[record.step].map { "\($0)" } ?? "") }
            lines.append(cells.joined(separator: ","))
        }
        try AtomicFileWriter.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
    }
}
