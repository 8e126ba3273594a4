// Batches: one epoch of mini-batches, the notes' way (004, "Forming
// Mini-Batches"): shuffle the data, then cut the shuffled order into
// contiguous blocks of m examples and loop through them in order, so that
// every example is used exactly once per epoch.
//
// Design note. Goals, in order: (1) epoch e's order is a function of
// (seed, e) alone, so a run resumed from a checkpoint at epoch e (or at
// batch b of epoch e, by indexing) sees exactly the batches an uninterrupted
// run saw; (2) a batch is gathered only when it is asked for, with a row copy
// per example, since this runs every step; (3) the order is visible
// (`order`, `exampleIndices(ofBatch:)`) so tests and logs can check it.

import DescentLinalg

/// How many examples go into one mini-batch.
///
/// An integer literal means that many examples: `batches(size: 32, …)`.
public enum BatchSize: Sendable, Hashable, ExpressibleByIntegerLiteral {
    /// Every example in one batch, in data-set order (full-batch gradient descent).
    case full
    /// m examples per batch, m ≥ 1.
    case examples(Int)

    /// `.examples(value)`.
    public init(integerLiteral value: Int) { self = .examples(value) }
}

/// One mini-batch: the rows of some examples, gathered into matrices.
public struct Batch<Scalar: BLASScalar>: Sendable, Equatable {
    /// m×d inputs, one example per row.
    public let features: Matrix<Scalar>
    /// m×k targets, row i belonging to the example in row i of ``features``.
    public let targets: Matrix<Scalar>
    /// The m class labels, for classification; `nil` for regression.
    public let labels: [Int]?
    /// Which examples of the data set the rows are (indices into it, from 0).
    public let exampleIndices: [Int]
    /// The batch's position in its epoch, from 0.
    public let position: Int

    /// m, the number of examples in the batch.
    public var count: Int { exampleIndices.count }
}

/// The mini-batches of one epoch, in order: a random-access collection whose
/// element `b` holds the examples at positions b·m ..< (b+1)·m of the epoch's
/// order (fewer in a last, partial batch).
///
/// Batches are gathered when subscripted, not in advance, so iterating costs
/// one copy of the data per epoch and nothing up front. Resuming at batch `b`
/// of an epoch is `dataset.batches(…, epoch: e, seed: s)[b...]`.
///
/// ```swift
/// for epoch in 0..<20 {
///     for batch in try training.batches(size: 32, epoch: epoch, seed: 42) {
///         // batch.features: 32×64, batch.labels: 32 labels (the last batch may be smaller)
///     }
/// }
/// ```
public struct Batches<Scalar: BLASScalar>: RandomAccessCollection, Sendable {
    /// The data set being batched.
    public let dataset: Dataset<Scalar>
    /// The epoch's order of the examples: a permutation of 0..<N (the
    /// identity when not shuffled or for a full batch).
    public let order: [Int]
    /// m, the number of examples in a full batch (N for a full batch).
    public let batchSize: Int
    /// Whether the examples left over after the last full batch are dropped (they are unused this epoch).
    public let dropsLastPartialBatch: Bool

    /// The number of batches: ⌊N/m⌋ when the partial batch is dropped, ⌈N/m⌉ otherwise.
    private let batchCount: Int

    init(dataset: Dataset<Scalar>, order: [Int], batchSize: Int, dropsLastPartialBatch: Bool) {
        self.dataset = dataset
        self.order = order
        self.batchSize = batchSize
        self.dropsLastPartialBatch = dropsLastPartialBatch
        let examples = order.count
        batchCount = dropsLastPartialBatch ? examples / batchSize : (examples + batchSize - 1) / batchSize
    }

    // MARK: - Collection

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of batches in the epoch.
    public var endIndex: Int { batchCount }

    /// The batch at `position`: its rows gathered from the data set.
    /// - Precondition: 0 ≤ `position` < ``endIndex``.
    /// - Complexity: O(m·(d + k)), one copy of each example's row.
    public subscript(position: Int) -> Batch<Scalar> {
        let indices = exampleIndices(ofBatch: position)
        let rows = dataset.subset(indices)
        return Batch(
            features: rows.features, targets: rows.targets, labels: rows.labels, exampleIndices: Array(indices),
            position: position)
    }

    /// The indices (into the data set) of the examples in batch `position`:
    /// a contiguous slice of ``order``.
    /// - Precondition: 0 ≤ `position` < ``endIndex``.
    public func exampleIndices(ofBatch position: Int) -> ArraySlice<Int> {
        precondition(position >= 0 && position < batchCount, "batch \(position) is outside 0..<\(batchCount)")
        let start = position * batchSize
        return order[start..<Swift.min(start + batchSize, order.count)]
    }

    // MARK: - The order of an epoch

    /// The order in which an epoch visits `exampleCount` examples: a
    /// uniformly random permutation of 0..<exampleCount that depends on
    /// (`seed`, `epoch`) alone and is the same on every platform.
    ///
    /// - Parameters:
    ///   - exampleCount: N ≥ 0.
    ///   - seed: any 64-bit seed.
    ///   - epoch: the epoch, from 0 (any integer is accepted).
    /// - Returns: the permutation; element p is the example visited p-th.
    public static func shuffledOrder(exampleCount: Int, seed: UInt64, epoch: Int) -> [Int] {
        var generator = SeededPermutation.generator(seed: seed, epoch: epoch)
        return SeededPermutation.permutation(count: exampleCount, using: &generator)
    }
}

extension Dataset {
    // MARK: - Mini-batches

    /// The mini-batches of one epoch: the examples shuffled by a permutation
    /// that depends on (`seed`, `epoch`) alone, then cut into contiguous
    /// batches of `size`.
    ///
    /// With `.full` there is one batch of every example in data-set order
    /// (the gradient is the same in any order; keeping it makes full-batch
    /// runs independent of the seed).
    ///
    /// - Parameters:
    ///   - size: m examples per batch, or `.full`.
    ///   - epoch: the epoch, from 0; each epoch gets its own order.
    ///   - seed: the run's seed; the same (seed, epoch) gives the same batches.
    ///   - dropLast: whether to drop the last batch when it has fewer than m
    ///     examples (so every step averages over m); those examples then go
    ///     unused this epoch. `false` by default.
    ///   - shuffled: `false` visits the examples in data-set order (for
    ///     evaluation); `true` by default.
    /// - Throws: ``DatasetError/invalidBatchSize(_:)`` for m < 1;
    ///   ``DatasetError/noExamplesToBatch`` for an empty data set;
    ///   ``DatasetError/noCompleteBatch(batchSize:examples:)`` when `dropLast`
    ///   would leave no batch (N < m).
    /// - Complexity: O(N) for the permutation; gathering happens per batch.
    public func batches(
        size: BatchSize, epoch: Int = 0, seed: UInt64 = 0, dropLast: Bool = false, shuffled: Bool = true
    ) throws(DatasetError) -> Batches<Scalar> {
        guard count > 0 else { throw .noExamplesToBatch }
        let batchSize: Int
        switch size {
        case .full:
            return Batches(dataset: self, order: Array(0..<count), batchSize: count, dropsLastPartialBatch: false)
        case let .examples(examples):
            guard examples >= 1 else { throw .invalidBatchSize(examples) }
            batchSize = examples
        }
        if dropLast && batchSize > count { throw .noCompleteBatch(batchSize: batchSize, examples: count) }
        let order =
            shuffled ? Batches<Scalar>.shuffledOrder(exampleCount: count, seed: seed, epoch: epoch) : Array(0..<count)
        return Batches(dataset: self, order: order, batchSize: batchSize, dropsLastPartialBatch: dropLast)
    }
}
