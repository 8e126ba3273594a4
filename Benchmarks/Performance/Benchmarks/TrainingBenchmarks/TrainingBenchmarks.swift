// TrainingBenchmarks: one training step of the digits MLP, and one epoch of `Trainer.fit`.
//
// Design note. The workload is training-bench's (docs/benchmarks.md, "Training"),
// so the figures sit next to its PyTorch/JAX comparison: the 64-128-10 ReLU
// network in Float, initialized as PyTorch's nn.Linear, on all 1797 digits
// scaled to 0…1, softmax cross-entropy, SGD (η = 0.1) and Adam (α = 10⁻³),
// batches of 32 and 128.
// - "step": one iteration is one optimizer step as a user's loop writes it —
//   `model.parameters`, forward + loss on the tape, `gradient(of:withRespectTo:)`,
//   `optimizer.update`, `updateParameterValues`. The mini-batches of epoch 0
//   (full batches only) are gathered in setup and visited in turn, so the
//   figure is the step itself; the model keeps training from one iteration to
//   the next, as it would.
// - "Trainer epoch": one iteration is `Trainer.fit` for one epoch from the
//   same initial weights (gathering, bookkeeping and history included);
//   docs/benchmarks.md divides it by the steps in an epoch (⌈1797 / m⌉).
// Setup checks that the step lowers the loss on a fixed batch, so a broken
// update cannot time as a fast one.

import Benchmark
import Descent
import PerformanceSupport

let benchmarks: @Sendable () -> Void = {
    useSuiteDefaults(warmupIterations: 10, maxDuration: .seconds(3), maxIterations: 20_000)

    for batchSize in [32, 128] {
        for kind in OptimizerKind.allCases {
            Benchmark("MLP step 64-128-10 batch \(batchSize) \(kind.rawValue)") { benchmark, step in
                for _ in benchmark.scaledIterations { blackHole(try step.run()) }
            } setup: {
                try kind.makeStep(batchSize: batchSize)
            }
            Benchmark("MLP Trainer epoch 64-128-10 batch \(batchSize) \(kind.rawValue)") { benchmark, epoch in
                for _ in benchmark.scaledIterations { blackHole(try epoch.run()) }
            } setup: {
                try kind.makeEpoch(batchSize: batchSize)
            }
        }
    }
}

// MARK: - Workload

/// The digits data set, every example, pixels scaled from 0…16 to 0…1.
func loadDigits() throws -> Dataset<Float> {
    let raw = try Dataset.load(.digits, as: Float.self)
    return try Dataset(features: raw.features.map { $0 / 16 }, labels: raw.labels!, classCount: 10)
}

/// The 64-128-10 ReLU network, initialized as PyTorch's `nn.Linear` is.
func makeModel(seed: UInt64) throws -> Sequential<Float> {
    var generator = Xoshiro256StarStar(seed: seed)
    return Sequential<Float>([
        try Dense.pytorchDefault(inputs: 64, outputs: 128, using: &generator), Activation(.relu),
        try Dense.pytorchDefault(inputs: 128, outputs: 10, using: &generator),
    ])
}

/// The two methods, with training-bench's learning rates.
enum OptimizerKind: String, CaseIterable {
    case sgd = "SGD"
    case adam = "Adam"

    /// A step case with a fresh optimizer of this kind (a concrete type, so the step is specialized).
    func makeStep(batchSize: Int) throws -> any Runnable {
        switch self {
        case .sgd: try TrainingStep(optimizer: SGD<Float>(learningRate: 0.1), batchSize: batchSize)
        case .adam: try TrainingStep(optimizer: Adam<Float>(learningRate: 1e-3), batchSize: batchSize)
        }
    }

    /// A Trainer-epoch case with a fresh optimizer of this kind.
    func makeEpoch(batchSize: Int) throws -> any Runnable {
        switch self {
        case .sgd: try TrainerEpoch(optimizer: SGD<Float>(learningRate: 0.1), batchSize: batchSize)
        case .adam: try TrainerEpoch(optimizer: Adam<Float>(learningRate: 1e-3), batchSize: batchSize)
        }
    }
}

/// One timed unit of work; returns a value to keep the optimizer from discarding it.
protocol Runnable: AnyObject {
    func run() throws -> Float
}

// MARK: - One step

/// The model, the optimizer and the pre-gathered batches; each `run()` is one step.
final class TrainingStep<Method: Optimizer<Float>>: Runnable {
    private var model: Sequential<Float>
    private var optimizer: Method
    private let batches: [Batch<Float>]
    private var position = 0

    init(optimizer: Method, batchSize: Int) throws {
        let data = try loadDigits()
        model = try makeModel(seed: 42)
        self.optimizer = optimizer
        batches = Array(try data.batches(size: .examples(batchSize), epoch: 0, seed: 42, dropLast: true))
        // The step must train: a few steps on one batch lower its loss.
        let fixed = batches[0]
        let before = lossValue(on: fixed)
        for _ in 0..<5 { _ = try step(on: fixed) }
        let after = lossValue(on: fixed)
        guard after < before else { throw TrainingCheckFailure("\(Method.self) batch \(batchSize): loss \(before) → \(after)") }
    }

    func run() throws -> Float {
        let batch = batches[position]
        position = (position + 1) % batches.count
        return try step(on: batch)
    }

    /// forward, loss, gradient, update, write-back; returns the loss before the update.
    private func step(on batch: Batch<Float>) throws -> Float {
        let variables = model.parameters
        let output = model.forward(Tensor(batch.features), mode: .training)
        let loss = Loss.softmaxCrossEntropy(output, labels: batch.labels!)
        let gradients = gradient(of: loss, withRespectTo: variables).map { $0.value }
        var values = variables.map { $0.value }
        try optimizer.update(&values, with: gradients)
        model.updateParameterValues(values)
        return loss.scalarValue
    }

    private func lossValue(on batch: Batch<Float>) -> Float {
        Loss.softmaxCrossEntropy(model.forward(Tensor(batch.features), mode: .inference), labels: batch.labels!)
            .scalarValue
    }
}

// MARK: - One Trainer epoch

/// `Trainer.fit` for one epoch from the same initial weights on each `run()`.
final class TrainerEpoch<Method: Optimizer<Float>>: Runnable {
    private let data: Dataset<Float>
    private let initialModel: Sequential<Float>
    private let optimizer: Method
    private let batchSize: Int

    init(optimizer: Method, batchSize: Int) throws {
        data = try loadDigits()
        initialModel = try makeModel(seed: 42)
        self.optimizer = optimizer
        self.batchSize = batchSize
        // One epoch must lower the training loss from its starting value.
        var trainer = Trainer(model: initialModel, optimizer: optimizer, configuration: configuration())
        let start = trainer.evaluate(data).loss
        try trainer.fit(data)
        let end = trainer.evaluate(data).loss
        guard end < start else { throw TrainingCheckFailure("Trainer \(Method.self) batch \(batchSize): loss \(start) → \(end)") }
    }

    func run() throws -> Float { Float(try fit().epochs.last?.trainingLoss ?? .nan) }

    private func configuration() -> TrainingConfiguration<Float> {
        TrainingConfiguration(
            epochs: 1, batchSize: .examples(batchSize), seed: 42, loss: .softmaxCrossEntropy, progress: .silent)
    }

    private func fit() throws -> TrainingHistory {
        var trainer = Trainer(model: initialModel, optimizer: optimizer, configuration: configuration())
        return try trainer.fit(data)
    }
}

/// Training did not lower the loss: the timings would be of broken code.
struct TrainingCheckFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
