// HessianProblem: a saved model and a data file made ready for HessianAnalysis.
//
// Design note. What `eigen hessian` must check before any product is taken
// lives here, so it is unit-tested and a program only passes paths and
// options: the loss (given, else the checkpoint's, else cross-entropy for
// integer labels and the quadratic loss otherwise), the samples (the first N
// or a seeded subset), and whether the model fits the data — input width
// against feature columns, output count against the classes the labels need —
// each refused with one sentence naming both numbers.

import DescentLinalg
import DescentNN
import DescentTraining

/// A model, the data it is evaluated on, and the loss: everything a Hessian of the training loss needs.
public struct HessianProblem {
    /// How samples are taken from the data set.
    public enum SampleSelection: Sendable, Hashable {
        /// Every example.
        case all
        /// The first `count` examples, in file order.
        case first(Int)
        /// `count` examples drawn without replacement by a seeded permutation (then kept in file order).
        case random(Int, seed: UInt64)
    }

    /// The model (Double precision).
    public let model: any Layer<Double>
    /// The examples used (after sample selection).
    public let data: Dataset<Double>
    /// The model's inputs, N×d.
    public let inputs: Matrix<Double>
    /// The targets the loss compares with, N×k (one-hot over the model's k outputs for cross-entropy).
    public let targets: Matrix<Double>
    /// The loss.
    public let loss: Loss
    /// Where the loss came from: "given", "checkpoint" or "default".
    public let lossSource: String
    /// How many examples the data file holds (before selection).
    public let availableExamples: Int

    /// Reads `dataPath` (CSV, via `Dataset(csv:)`) and fits it to `checkpoint`'s model.
    ///
    /// - Parameters:
    ///   - checkpoint: the model read from disk (its description gives input and output widths and maybe the loss).
    ///   - dataPath: a numeric CSV file with one example per line.
    ///   - targetColumn: the target column (the last by default).
    ///   - loss: the loss to use; `nil` for the checkpoint's, else cross-entropy when every target
    ///     is a class index and the quadratic loss otherwise.
    ///   - samples: which examples to use.
    /// - Throws: `DatasetError` for a missing, malformed or non-finite file (with the row and column);
    ///   ``SpectrumError/incompatibleData(_:)`` when the model does not fit the data or the sample
    ///   count is out of range.
    public init(
        checkpoint: ModelCheckpoint<Double>, dataPath: String, targetColumn: TargetColumn = .last, loss: Loss? = nil,
        samples: SampleSelection = .all
    ) throws {
        let (data, chosen, source) = try Self.read(
            dataPath, targetColumn: targetColumn, loss: loss, stored: checkpoint.specification.loss)
        try self.init(
            model: checkpoint.model, specification: checkpoint.specification, data: data, loss: chosen,
            lossSource: source, samples: samples, source: dataPath)
    }

    /// The data set and the loss: given, else stored, else cross-entropy for class labels and quadratic otherwise.
    private static func read(_ path: String, targetColumn: TargetColumn, loss: Loss?, stored: Loss?) throws
        -> (Dataset<Double>, Loss, String)
    {
        let source = loss != nil ? "given" : (stored != nil ? "checkpoint" : "default")
        let chosen = loss ?? stored
        if chosen == nil || chosen == .softmaxCrossEntropy {
            if let data = try classification(path, targetColumn: targetColumn, allowingRealTargets: chosen == nil) {
                return (data, .softmaxCrossEntropy, source)
            }
            // Targets that are not class indices, and no loss asked for: regression with the quadratic loss.
            return (try Dataset<Double>(csv: path, targetColumn: targetColumn, task: .regression), .quadratic, source)
        }
        let given = chosen ?? .quadratic
        if let data = try classification(path, targetColumn: targetColumn, allowingRealTargets: true) {
            return (data, given, source)
        }
        return (try Dataset<Double>(csv: path, targetColumn: targetColumn, task: .regression), given, source)
    }

    /// The file as a classification set, or `nil` when its targets are not class indices and that is allowed.
    private static func classification(_ path: String, targetColumn: TargetColumn, allowingRealTargets: Bool)
        throws(DatasetError) -> Dataset<Double>?
    {
        do {
            return try Dataset<Double>(csv: path, targetColumn: targetColumn, task: .classification)
        } catch {
            switch error {
            case .invalidLabel where allowingRealTargets: return nil
            default: throw error
            }
        }
    }

    /// A problem from a data set already in memory, with the same checks.
    /// - Parameters:
    ///   - model: the model.
    ///   - specification: its description (for the widths), when known.
    ///   - data: the data set.
    ///   - loss: the loss.
    ///   - lossSource: how the loss was chosen, for the report.
    ///   - samples: which examples to use.
    ///   - source: the data's name in messages (its path).
    /// - Throws: ``SpectrumError/incompatibleData(_:)``.
    public init(
        model: any Layer<Double>, specification: ModelSpecification?, data: Dataset<Double>, loss: Loss,
        lossSource: String = "given", samples: SampleSelection = .all, source: String = "the data"
    ) throws(SpectrumError) {
        let selected = try Self.select(samples, from: data, source: source)
        let widthIn = specification?.inputWidth, widthOut = specification?.outputWidth
        if let widthIn, widthIn != data.featureCount {
            throw .incompatibleData(
                "the model takes \(widthIn) input features but \(source) has \(data.featureCount) feature columns "
                    + "(\(data.featureCount + 1) columns minus the target); check --target or the model")
        }
        let targets: Matrix<Double>
        if loss == .softmaxCrossEntropy {
            guard let labels = selected.labels else {
                throw .incompatibleData("cross-entropy needs class labels (0, 1, …) in the target column of \(source)")
            }
            let classes = widthOut ?? (data.classCount ?? 1)
            let needed = (data.labels?.max() ?? 0) + 1
            if needed > classes {
                throw .incompatibleData(
                    "the model has \(classes) outputs (classes 0–\(classes - 1)) but the labels in \(source) "
                        + "go up to \(needed - 1) (\(needed) classes)")
            }
            targets = oneHot(labels, classes: classes)
        } else {
            if let widthOut, widthOut != selected.targetCount {
                throw .incompatibleData(
                    "the model has \(widthOut) outputs but \(source) has \(selected.targetCount) target column; "
                        + "for class labels use --loss cross-entropy")
            }
            targets = selected.targets
        }
        self.model = model
        self.data = selected
        self.inputs = selected.features
        self.targets = targets
        self.loss = loss
        self.lossSource = lossSource
        self.availableExamples = data.count
    }

    /// The Hessian analysis of this problem: inference mode when the model has dropout
    /// (a random mask has no Hessian of the loss), else training mode as the Trainer's loss.
    /// - Throws: ``SpectrumError``.
    public func analysis(mode: LayerMode? = nil, containsDropout: Bool = false) throws(SpectrumError) -> HessianAnalysis {
        try HessianAnalysis(
            model: model, inputs: inputs, targets: targets, loss: loss,
            mode: mode ?? (containsDropout ? .inference : .training))
    }

    private static func select(_ selection: SampleSelection, from data: Dataset<Double>, source: String)
        throws(SpectrumError) -> Dataset<Double>
    {
        switch selection {
        case .all:
            return data
        case let .first(count), let .random(count, _):
            guard count >= 1 else { throw .incompatibleData("--samples \(count) must be at least 1") }
            guard count <= data.count else {
                throw .incompatibleData("--samples \(count) is more than the \(data.count) examples in \(source)")
            }
            if case let .random(_, seed) = selection {
                var generator = Xoshiro256StarStar(seed: seed)
                var indices = Array(0..<data.count)
                indices.shuffle(using: &generator)
                return data.subset(Array(indices.prefix(count)).sorted())
            }
            return data.subset(Array(0..<count))
        }
    }
}
