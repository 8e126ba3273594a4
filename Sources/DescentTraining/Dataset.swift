// Dataset: features and targets, one example per row, checked once on entry.
//
// Design note. Goals, in order: (1) a data set that exists is usable — every
// number finite, every label a class index, row counts in agreement — so the
// training loop never meets bad data mid-run; (2) selecting rows (subsets,
// splits, mini-batches) is a tight copy of whole rows, since it runs every
// step; (3) the targets stay what the file holds (class indices for
// classification), with one-hot targets one call away for softmax
// cross-entropy.

import DescentLinalg
import DescentNN

/// Whether a data set's target is a class index or a real value.
public enum LearningTask: Sendable, Hashable {
    /// The target is a class index 0, 1, …, C − 1; the data set keeps the labels as `[Int]`.
    case classification
    /// The target is one or more real values.
    case regression
}

/// A supervised data set: N examples of d features with k targets each.
///
/// Features are an N×d matrix and targets an N×k matrix, one example per
/// row (the layout every Descent layer takes). A classification data set
/// also keeps its class labels as integers, and its targets are the N×1
/// column of those labels; ``oneHotTargets`` and ``oneHotEncoded()`` give the
/// N×C one-hot form that `Loss.softmaxCrossEntropy` takes.
///
/// Every value is finite and every label is a class index: the initializers
/// and loaders check once, and report the first problem as a ``DatasetError``
/// naming its row and column, so training never meets a NaN that came from the
/// data.
///
/// ```swift
/// let digits = try Dataset.load(.digits, as: Float.self)          // 1797×64, labels 0…9
/// let splits = try digits.split(trainingFraction: 0.8, validationFraction: 0.1, seed: 7, stratified: true)
/// for batch in try splits.training.batches(size: 32, epoch: 0, seed: 7) { … }
/// ```
public struct Dataset<Scalar: BLASScalar>: Sendable, Equatable {
    /// The N×d inputs, one example per row.
    public private(set) var features: Matrix<Scalar>
    /// The N×k targets, one example per row: the class labels as an N×1 column
    /// for classification (unless ``oneHotEncoded()`` made them one-hot).
    public private(set) var targets: Matrix<Scalar>
    /// The class label of each example, 0 ≤ label < ``classCount``, for
    /// classification; `nil` for regression.
    public private(set) var labels: [Int]?
    /// C, the number of classes, for classification; `nil` for regression.
    ///
    /// A subset keeps the C of the data set it came from, even when it lacks
    /// some classes, so that every split one-hot encodes to the same width.
    public private(set) var classCount: Int?
    /// The names of the d feature columns, when known (from a CSV header).
    public private(set) var featureNames: [String]?
    /// The name of the target column, when known.
    public var targetName: String?

    // MARK: - Creating a data set

    /// A regression data set from features and real-valued targets.
    ///
    /// - Parameters:
    ///   - features: N×d inputs, one example per row; may have N = 0.
    ///   - targets: N×k targets, k ≥ 1.
    ///   - featureNames: d names, or `nil`.
    ///   - targetName: a name for the target, or `nil`.
    /// - Throws: ``DatasetError/inconsistentShapes(_:)`` when the row counts or
    ///   the name count disagree; ``DatasetError/nonFinite(source:row:column:columnName:value:)``
    ///   for the first NaN or ±∞ (source "features" or "targets").
    public init(
        features: Matrix<Scalar>, targets: Matrix<Scalar>, featureNames: [String]? = nil, targetName: String? = nil
    ) throws(DatasetError) {
        try Self.requireShapes(features: features, targets: targets, featureNames: featureNames)
        try requireFinite(features, source: "features", columnNames: featureNames)
        try requireFinite(targets, source: "targets", columnNames: targetName.map { [$0] })
        self.init(
            unchecked: features, targets: targets, labels: nil, classCount: nil, featureNames: featureNames,
            targetName: targetName)
    }

    /// A classification data set from features and class labels; the targets
    /// are the labels as an N×1 column.
    ///
    /// - Parameters:
    ///   - features: N×d inputs, one example per row.
    ///   - labels: N class indices, each in 0..<C.
    ///   - classCount: C; by default the largest label + 1 (0 when there are no labels).
    ///   - featureNames: d names, or `nil`.
    ///   - targetName: a name for the label column, or `nil`.
    /// - Throws: ``DatasetError/inconsistentShapes(_:)`` when counts disagree or a
    ///   label is not below `classCount`; ``DatasetError/invalidLabel(source:row:value:problem:)``
    ///   for a negative or too large label; ``DatasetError/nonFinite(source:row:column:columnName:value:)``.
    public init(
        features: Matrix<Scalar>, labels: [Int], classCount: Int? = nil, featureNames: [String]? = nil,
        targetName: String? = nil
    ) throws(DatasetError) {
        let targets = Matrix(column: labels.map { Scalar($0) })
        try Self.requireShapes(features: features, targets: targets, featureNames: featureNames)
        try requireFinite(features, source: "features", columnNames: featureNames)
        for (row, label) in labels.enumerated() where label < 0 || label > DatasetError.largestClassIndex {
            throw .invalidLabel(
                source: "labels", row: row + 1, value: Double(label), problem: label < 0 ? .negative : .tooLarge)
        }
        let largest = labels.max() ?? -1
        if let classCount, classCount <= largest {
            throw .inconsistentShapes("classCount is \(classCount) but a label is \(largest); labels must be below classCount")
        }
        self.init(
            unchecked: features, targets: targets, labels: labels, classCount: classCount ?? largest + 1,
            featureNames: featureNames, targetName: targetName)
    }

    /// A data set from parts already checked (loaders, subsets, encoders).
    init(
        unchecked features: Matrix<Scalar>, targets: Matrix<Scalar>, labels: [Int]?, classCount: Int?,
        featureNames: [String]?, targetName: String?
    ) {
        self.features = features
        self.targets = targets
        self.labels = labels
        self.classCount = classCount
        self.featureNames = featureNames
        self.targetName = targetName
    }

    // MARK: - Shape

    /// N, the number of examples.
    public var count: Int { features.rows }
    /// d, the number of features per example.
    public var featureCount: Int { features.columns }
    /// k, the number of target columns per example (1 for class labels, C once one-hot encoded).
    public var targetCount: Int { targets.columns }
    /// Whether the data set has class labels.
    public var isClassification: Bool { labels != nil }

    /// The number of examples of each class, indexed by label (C entries), or `nil` for regression.
    public var classCounts: [Int]? {
        guard let labels, let classCount else { return nil }
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts
    }

    // MARK: - Targets for softmax cross-entropy

    /// The N×C one-hot matrix of the labels (row n has a 1 in column labelₙ),
    /// or `nil` for regression.
    public var oneHotTargets: Matrix<Scalar>? {
        guard let labels, let classCount else { return nil }
        return oneHot(labels, classes: classCount)
    }

    /// The same examples with one-hot targets (N×C), the form
    /// `Loss.softmaxCrossEntropy` compares logits with; labels are kept.
    /// Encode once, before batching, so that batches carry one-hot rows.
    /// - Throws: ``DatasetError/needsLabels(operation:)`` for a regression data set.
    public func oneHotEncoded() throws(DatasetError) -> Dataset {
        guard let targets = oneHotTargets else { throw .needsLabels(operation: "one-hot encoding") }
        var encoded = self
        encoded.targets = targets
        return encoded
    }

    // MARK: - Selecting examples

    /// The examples at `indices`, in that order (an index may repeat).
    ///
    /// Labels, ``classCount`` and names are carried over.
    /// - Precondition: every index is in 0..<``count``.
    /// - Complexity: O(m·(d + k)) for m indices: one copy of each selected row.
    public func subset(_ indices: [Int]) -> Dataset {
        subset(indices[...])
    }

    /// The examples at `indices` (a slice of a permutation, say), in that order.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    func subset(_ indices: ArraySlice<Int>) -> Dataset {
        Dataset(
            unchecked: gatheredRows(of: features, at: indices), targets: gatheredRows(of: targets, at: indices),
            labels: labels.map { labels in indices.map { labels[$0] } }, classCount: classCount,
            featureNames: featureNames, targetName: targetName)
    }

    // MARK: - Checks

    private static func requireShapes(
        features: Matrix<Scalar>, targets: Matrix<Scalar>, featureNames: [String]?
    ) throws(DatasetError) {
        guard targets.rows == features.rows else {
            throw .inconsistentShapes(
                "features are \(features.shapeDescription) but targets are \(targets.shapeDescription); "
                    + "give one target row per example")
        }
        guard targets.columns >= 1 || features.rows == 0 else {
            throw .inconsistentShapes("targets are \(targets.shapeDescription); give at least one target column")
        }
        if let featureNames, featureNames.count != features.columns {
            throw .inconsistentShapes("\(featureNames.count) feature names for \(features.columns) feature columns")
        }
    }
}

// MARK: - Shared helpers

/// Throws for the first NaN or ±∞ of `matrix`, naming its row and column from 1
/// and the column's name when `columnNames` has it.
func requireFinite<Scalar: BLASScalar>(
    _ matrix: Matrix<Scalar>, source: String, columnNames: [String]?
) throws(DatasetError) {
    // The vectorized check first; the search for the position only when it fails.
    guard !matrix.isFinite, let bad = matrix.firstNonFiniteElement() else { return }
    let name = columnNames.flatMap { bad.column < $0.count ? $0[bad.column] : nil }
    throw .nonFinite(
        source: source, row: bad.row + 1, column: bad.column + 1, columnName: name, value: Double(bad.value))
}

/// The rows of `matrix` at `indices`, in that order: one contiguous copy per row.
///
/// This runs for every mini-batch, so it copies whole rows straight between
/// the buffers rather than element by element through subscripts.
/// - Precondition: every index is in 0..<`matrix.rows`.
@specialized(where Scalar == Double)
@specialized(where Scalar == Float)
func gatheredRows<Scalar: BLASScalar>(of matrix: Matrix<Scalar>, at indices: ArraySlice<Int>) -> Matrix<Scalar> {
    let width = matrix.columns
    let rowCount = matrix.rows
    let total = indices.count * width
    let elements = [Scalar](unsafeUninitializedCapacity: total) { destination, initialized in
        initialized = 0
        guard total > 0, let target = destination.baseAddress else { return }
        matrix.withUnsafeElements { source in
            guard let origin = source.baseAddress else { preconditionFailure("rows requested from a matrix with no rows") }
            indices.withUnsafeBufferPointer { rows in
                var position = target
                for row in rows {
                    precondition(row >= 0 && row < rowCount, "row \(row) is outside a matrix of \(rowCount) rows")
                    position.initialize(from: origin + row * width, count: width)
                    position += width
                }
            }
        }
        initialized = total
    }
    return Matrix(rows: indices.count, columns: width, elements: elements)
}
