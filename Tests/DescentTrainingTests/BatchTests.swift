// Splits and mini-batches: sizes, disjointness, coverage, determinism and
// stratification of splits; the per-epoch order of mini-batches (notes 004:
// shuffle, then contiguous blocks), its dependence on (seed, epoch) alone,
// and the gathered rows.
//
// Reference permutations come from scripts/dataset_permutations.py, an
// independent Python implementation of xoshiro256**, Lemire's bounded draws,
// Fisher–Yates and the per-epoch seed mixing; they must match exactly.

import DescentLinalg
import Testing

@testable import DescentTraining

@Suite("Splits and mini-batches")
struct BatchTests {
    /// N examples whose single feature is their index, with labels `index % classes`.
    static func indexed(_ count: Int, classes: Int = 3) throws -> Dataset<Double> {
        try Dataset(
            features: Matrix(column: (0..<count).map(Double.init)), labels: (0..<count).map { $0 % classes },
            classCount: classes)
    }

    // MARK: - Reference permutations

    @Test func epochOrdersMatchTheIndependentPythonImplementation() {
        // python3 scripts/dataset_permutations.py
        #expect(Batches<Double>.shuffledOrder(exampleCount: 10, seed: 42, epoch: 0) == [8, 3, 0, 2, 4, 5, 1, 6, 9, 7])
        #expect(Batches<Double>.shuffledOrder(exampleCount: 10, seed: 42, epoch: 1) == [2, 5, 0, 9, 4, 7, 8, 6, 3, 1])
        #expect(
            Batches<Float>.shuffledOrder(exampleCount: 12, seed: 0, epoch: 0) == [9, 0, 4, 10, 11, 2, 6, 5, 3, 1, 8, 7])
        #expect(
            Batches<Double>.shuffledOrder(exampleCount: 20, seed: 2024, epoch: 7)
                == [4, 5, 1, 9, 8, 7, 19, 14, 11, 3, 17, 18, 6, 2, 13, 10, 16, 12, 0, 15])
    }

    @Test func unstratifiedSplitCutsThePythonPermutation() throws {
        // Python: permutation of 10 with seed 7 is [1, 8, 3, 0, 4, 5, 9, 6, 2, 7]; 5 / 2 / 3 examples.
        let splits = try Self.indexed(10).split(trainingFraction: 0.5, validationFraction: 0.2, seed: 7)
        #expect(splits.trainingIndices == [0, 1, 3, 4, 8])
        #expect(splits.validationIndices == [5, 9] && splits.testIndices == [2, 6, 7])
        #expect(splits.training.features.elements == [0, 1, 3, 4, 8])
        #expect(splits.test.labels == [2, 0, 1] && splits.test.classCount == 3)
    }

    @Test func shuffledOrdersAreUniform() {
        // 48,000 orders of 4 examples: each of the 24 permutations expected 2000 times.
        // χ² with 23 degrees of freedom exceeds 60 with probability 4e-5; the seeds are fixed, so this cannot flake.
        var counts: [[Int]: Int] = [:]
        for seed in 0..<48_000 {
            counts[Batches<Double>.shuffledOrder(exampleCount: 4, seed: UInt64(seed), epoch: 3), default: 0] += 1
        }
        #expect(counts.count == 24)
        let chiSquared = counts.values.map { Double(($0 - 2000) * ($0 - 2000)) / 2000 }.reduce(0, +)
        #expect(chiSquared < 60)
    }

    // MARK: - Splits

    @Test(arguments: [false, true])
    func splitsAreDisjointCoverEverythingAndHaveTheRoundedSizes(stratified: Bool) throws {
        let digits = try Dataset.load(.digits, as: Float.self)
        let splits = try digits.split(trainingFraction: 0.7, validationFraction: 0.15, seed: 1, stratified: stratified)
        // round(1797·0.7) = round(1257.9) = 1258, round(1797·0.15) = round(269.55) = 270, the rest 269.
        #expect(splits.training.count == 1258 && splits.validation.count == 270 && splits.test.count == 269)
        let all = splits.trainingIndices + splits.validationIndices + splits.testIndices
        #expect(all.sorted() == Array(0..<1797))
        for (part, indices) in [(splits.training, splits.trainingIndices), (splits.test, splits.testIndices)] {
            #expect(indices == indices.sorted())
            #expect(part == digits.subset(indices))
        }
    }

    @Test func splitsAreDeterministicForASeedAndDifferAcrossSeeds() throws {
        let wine = try Dataset.load(.wine, as: Double.self)
        for stratified in [false, true] {
            let first = try wine.split(trainingFraction: 0.5, validationFraction: 0.25, seed: 99, stratified: stratified)
            let again = try wine.split(trainingFraction: 0.5, validationFraction: 0.25, seed: 99, stratified: stratified)
            let other = try wine.split(trainingFraction: 0.5, validationFraction: 0.25, seed: 100, stratified: stratified)
            #expect(first == again)
            #expect(first.trainingIndices != other.trainingIndices)
        }
    }

    @Test func fractionsThatAddUpToOneLeaveNoTestPart() throws {
        let splits = try Self.indexed(7).split(trainingFraction: 0.3, validationFraction: 0.7, seed: 5)
        // round(2.1) = 2 training; validation takes the other 5 even though round(4.9) = 5 anyway.
        #expect(splits.training.count == 2 && splits.validation.count == 5 && splits.test.count == 0)
        let decimals = try Self.indexed(10).split(trainingFraction: 0.7, validationFraction: 0.3, seed: 5)
        #expect(decimals.test.count == 0 && decimals.training.count == 7)
    }

    @Test(arguments: [(0.7, 0.15, 1 as UInt64), (0.5, 0.3, 2), (0.33, 0.33, 3), (0.9, 0.05, 4)])
    func stratifiedPartsHoldEachClassWithinOneExampleOfItsShare(
        training: Double, validation: Double, seed: UInt64
    ) throws {
        // The bundled sets, and 37 classes of sizes 1…37 (703 examples), where rounding each class alone would drift.
        let uneven = try Dataset(
            features: Matrix<Double>(rows: 703, columns: 1), labels: (0..<37).flatMap { Array(repeating: $0, count: $0 + 1) })
        for dataset in [try Dataset.load(.digits, as: Double.self), try Dataset.load(.wine, as: Double.self), uneven] {
            let plain = try dataset.split(trainingFraction: training, validationFraction: validation, seed: seed)
            let splits = try dataset.split(
                trainingFraction: training, validationFraction: validation, seed: seed, stratified: true)
            let classSizes = dataset.classCounts ?? []
            #expect(classSizes.count == dataset.classCount)
            let total = Double(dataset.count)
            for (part, reference) in [
                (splits.training, plain.training), (splits.validation, plain.validation), (splits.test, plain.test),
            ] {
                #expect(part.count == reference.count, "stratified parts have the unstratified sizes")
                let counts = part.classCounts ?? []
                #expect(counts.count == classSizes.count)
                for (label, size) in classSizes.enumerated() where label < counts.count {
                    let share = Double(size) * Double(part.count) / total
                    #expect(abs(Double(counts[label]) - share) < 1, "class \(label): \(counts[label]) for a share of \(share)")
                }
            }
        }
    }

    @Test func badFractionsAndStratifiedRegressionAreRefused() throws {
        let data = try Self.indexed(10)
        func error(_ training: Double, _ validation: Double) -> DatasetError? {
            DatasetTests.error { () throws(DatasetError) in
                try data.split(trainingFraction: training, validationFraction: validation, seed: 0)
            }
        }
        #expect(error(0, 0.5) == .invalidFraction(name: "trainingFraction", value: 0, requirement: "in (0, 1]"))
        #expect(error(1.2, 0) == .invalidFraction(name: "trainingFraction", value: 1.2, requirement: "in (0, 1]"))
        #expect(error(0.5, -0.1) == .invalidFraction(name: "validationFraction", value: -0.1, requirement: "in [0, 1)"))
        if case .invalidFraction("trainingFraction", _, _)? = error(.nan, 0) {} else { Issue.record("NaN must be refused") }
        #expect(
            error(0.8, 0.3)
                == .invalidFraction(
                    name: "trainingFraction + validationFraction", value: 0.8 + 0.3,
                    requirement: "at most 1 (the test part takes the rest)"))
        let diabetes = try Dataset.load(.diabetes, as: Double.self)
        #expect(
            DatasetTests.error { () throws(DatasetError) in
                try diabetes.split(trainingFraction: 0.8, seed: 0, stratified: true)
            } == .needsLabels(operation: "a stratified split"))
    }

    // MARK: - Mini-batches

    @Test(arguments: [1, 7, 32, 50, 178])
    func everyEpochUsesEveryExampleOnceInContiguousBlocks(size: Int) throws {
        let wine = try Dataset.load(.wine, as: Double.self)
        for epoch in 0..<3 {
            let batches = try wine.batches(size: .examples(size), epoch: epoch, seed: 2024)
            #expect(batches.count == (178 + size - 1) / size)
            #expect(batches.order.sorted() == Array(0..<178), "the order is a permutation")
            var concatenated: [Int] = []
            for (position, batch) in batches.enumerated() {
                #expect(batch.position == position)
                #expect(batch.count == min(size, 178 - position * size))
                concatenated += batch.exampleIndices
            }
            #expect(concatenated == batches.order, "batches are consecutive slices of the epoch's order")
        }
    }

    @Test func batchRowsAreTheDataSetsRows() throws {
        let digits = try Dataset.load(.digits, as: Float.self).oneHotEncoded()
        let batches = try digits.batches(size: 32, epoch: 4, seed: 8)
        for position in [0, 27, batches.count - 1] {
            let batch = batches[position]
            #expect(batch.features.shapeDescription == "\(batch.count)×64")
            #expect(batch.targets.shapeDescription == "\(batch.count)×10")
            for (row, example) in batch.exampleIndices.enumerated() {
                #expect(batch.features.row(row) == digits.features.row(example))
                #expect(batch.targets.row(row) == digits.targets.row(example))
                #expect(batch.labels?[row] == digits.labels?[example])
            }
        }
        #expect(batches[56].count == 1797 - 56 * 32)
    }

    @Test func theOrderDependsOnSeedAndEpochAlone() throws {
        let breastCancer = try Dataset.load(.breastCancer, as: Double.self)
        let epoch3 = try breastCancer.batches(size: 64, epoch: 3, seed: 77)
        // Computed again later, after other epochs: the same batches (what resuming from a checkpoint needs).
        _ = try breastCancer.batches(size: 64, epoch: 4, seed: 77)
        let again = try breastCancer.batches(size: 64, epoch: 3, seed: 77)
        #expect(Array(epoch3) == Array(again))
        #expect(epoch3.order == Batches<Double>.shuffledOrder(exampleCount: 569, seed: 77, epoch: 3))
        let orders = try (0..<5).map { try breastCancer.batches(size: 64, epoch: $0, seed: 77).order }
        #expect(Set(orders).count == 5, "each epoch has its own order")
        #expect(try breastCancer.batches(size: 64, epoch: 3, seed: 78).order != epoch3.order)
        // Resuming mid-epoch: the remaining batches by index.
        #expect(Array(epoch3[5...]) == Array(again.dropFirst(5)))
    }

    @Test func droppingTheLastPartialBatchKeepsOnlyFullBatches() throws {
        let data = try Self.indexed(10)
        let batches = try data.batches(size: 4, epoch: 1, seed: 3, dropLast: true)
        #expect(batches.count == 2 && batches.allSatisfy { $0.count == 4 })
        #expect(batches.flatMap(\.exampleIndices) == Array(batches.order.prefix(8)))
        #expect(try data.batches(size: 4, epoch: 1, seed: 3).count == 3)
        #expect(try data.batches(size: 5, dropLast: true).count == 2)
    }

    @Test func fullBatchAndUnshuffledBatchesKeepDataSetOrder() throws {
        let wine = try Dataset.load(.wine, as: Float.self)
        let full = try wine.batches(size: .full, epoch: 9, seed: 123)
        #expect(full.count == 1 && full.order == Array(0..<178))
        #expect(full[0].features == wine.features && full[0].targets == wine.targets && full[0].labels == wine.labels)
        let plain = try wine.batches(size: 50, shuffled: false)
        #expect(plain.order == Array(0..<178) && plain[3].exampleIndices == Array(150..<178))
        let oversized = try wine.batches(size: 1000, epoch: 0, seed: 1)
        #expect(oversized.count == 1 && oversized[0].count == 178)
    }

    @Test func badBatchRequestsAreRefused() throws {
        let data = try Self.indexed(10)
        #expect(DatasetTests.error { () throws(DatasetError) in try data.batches(size: 0) } == .invalidBatchSize(0))
        #expect(
            DatasetTests.error { () throws(DatasetError) in try data.batches(size: 11, dropLast: true) }
                == .noCompleteBatch(batchSize: 11, examples: 10))
        #expect(
            DatasetTests.error { () throws(DatasetError) in try data.subset([]).batches(size: .full) } == .noExamplesToBatch)
    }
}
