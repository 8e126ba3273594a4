// Workload: the data, the model, the optimizers, and the two ways of training
// that are timed — the real `Trainer`, and an "engine step" loop written with
// the lower-level API (forward, `gradient(of:withRespectTo:)`,
// `optimizer.update`) that a user could write instead.
//
// Both ways visit the same shuffled mini-batches (`Dataset.batches`, the same
// seed), start from the same weights and a fresh optimizer, and keep the last
// partial batch, so they do the same arithmetic; their difference is the
// Trainer's own per-step work.

import BenchmarkSupport
import DescentAutograd
import DescentLinalg
import DescentNN
import DescentTraining

// MARK: - Data and model

/// The digits data set, every example, pixels scaled from 0…16 to 0…1.
func loadDigits() throws(DatasetError) -> Dataset<Float> {
    let raw = try Dataset.load(.digits, as: Float.self)
    return try Dataset(features: raw.features.map { $0 / 16 }, labels: raw.labels!, classCount: 10)
}

/// The 64-128-10 ReLU network, initialized as PyTorch's `nn.Linear` is.
func makeModel(seed: UInt64) -> Sequential<Float> {
    var generator = Xoshiro256StarStar(seed: seed)
    do {
        return Sequential<Float>([
            try Dense.pytorchDefault(inputs: 64, outputs: 128, using: &generator), Activation(.relu),
            try Dense.pytorchDefault(inputs: 128, outputs: 10, using: &generator),
        ])
    } catch {
        fatalError("uniform initialization cannot fail: \(error)")
    }
}

// MARK: - Optimizers

/// The three methods measured, with the learning rates the Python script uses.
enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    case sgd, momentum, adam

    /// The label in the tables.
    var label: String {
        switch self {
        case .sgd: "SGD (η = 0.1)"
        case .momentum: "SGD+momentum (η = 0.01, μ = 0.9)"
        case .adam: "Adam (α = 10⁻³)"
        }
    }
}

/// Something done with a fresh optimizer of a concrete type (Swift has no
/// generic closures): the engine loop and the Trainer are then instantiated
/// for `SGD<Float>` and `Adam<Float>` themselves, as in a user's program.
protocol OptimizerVisitor {
    associatedtype Result
    func visit<Method: Optimizer<Float>>(_ optimizer: Method) -> Result
}

extension OptimizerKind {
    /// `visitor` applied to a fresh optimizer of this kind.
    func accept<Visitor: OptimizerVisitor>(_ visitor: Visitor) -> Visitor.Result {
        do {
            switch self {
            case .sgd: return visitor.visit(try SGD<Float>(learningRate: 0.1))
            case .momentum: return visitor.visit(try SGD<Float>(learningRate: 0.01, momentum: 0.9))
            case .adam: return visitor.visit(try Adam<Float>(learningRate: 1e-3))
            }
        } catch {
            fatalError("fixed valid hyperparameters were refused: \(error)")
        }
    }
}

// MARK: - One timed run

/// What a run trains: the data, the batch size, how many epochs, from which weights.
struct RunSpec {
    var data: Dataset<Float>
    var batchSize: Int
    var epochs: Int
    var seed: UInt64
    var initialModel: Sequential<Float>
    /// `TrainingConfiguration.recordsSteps` for the Trainer runs.
    var recordsSteps: Bool

    /// Examples processed by one run (every epoch uses every example once).
    var examples: Int { epochs * data.count }
}

/// Seconds to train with `Trainer.fit` (configuration and trainer made inside the timed span).
func trainerRun<Method: Optimizer<Float>>(_ spec: RunSpec, _ optimizer: Method) -> Double {
    let start = monotonicNanoseconds()
    var trainer = Trainer(
        model: spec.initialModel, optimizer: optimizer,
        configuration: TrainingConfiguration(
            epochs: spec.epochs, batchSize: .examples(spec.batchSize), seed: spec.seed, loss: .softmaxCrossEntropy,
            recordsSteps: spec.recordsSteps, progress: .silent))
    let history: TrainingHistory
    do { history = try trainer.fit(spec.data) } catch { fatalError("training failed: \(error)") }
    let seconds = Double(monotonicNanoseconds() - start) * 1e-9
    blackHole(history.epochs.last?.trainingLoss ?? .nan)
    return seconds
}

/// Seconds to train with the engine step: per batch, forward, loss,
/// `gradient(of:withRespectTo:)`, `optimizer.update`, `updateParameterValues`.
func engineRun<Method: Optimizer<Float>>(_ spec: RunSpec, _ optimizer: Method) -> Double {
    let start = monotonicNanoseconds()
    var model = spec.initialModel
    var optimizer = optimizer
    var lossSum: Float = 0
    do {
        for epoch in 0..<spec.epochs {
            for batch in try spec.data.batches(size: .examples(spec.batchSize), epoch: epoch, seed: spec.seed) {
                let variables = model.parameters
                let output = model.forward(Tensor(batch.features), mode: .training)
                let loss = Loss.softmaxCrossEntropy(output, labels: batch.labels!)
                let gradients = gradient(of: loss, withRespectTo: variables).map { $0.value }
                var values = variables.map { $0.value }
                try optimizer.update(&values, with: gradients)
                model.updateParameterValues(values)
                lossSum += loss.scalarValue
            }
        }
    } catch { fatalError("the engine loop failed: \(error)") }
    let seconds = Double(monotonicNanoseconds() - start) * 1e-9
    blackHole(lossSum)
    return seconds
}

/// The final training loss and accuracy of a Trainer run (for the 20-epoch check).
func finalMetrics<Method: Optimizer<Float>>(_ spec: RunSpec, _ optimizer: Method) -> (loss: Double, accuracy: Double) {
    var trainer = Trainer(
        model: spec.initialModel, optimizer: optimizer,
        configuration: TrainingConfiguration(
            epochs: spec.epochs, batchSize: .examples(spec.batchSize), seed: spec.seed, loss: .softmaxCrossEntropy,
            recordsSteps: spec.recordsSteps, progress: .silent))
    do { try trainer.fit(spec.data) } catch { fatalError("training failed: \(error)") }
    let evaluation = trainer.evaluate(spec.data)
    return (evaluation.loss, evaluation.accuracy ?? .nan)
}

// MARK: - Visitors

/// One Trainer run: seconds.
struct TrainerRun: OptimizerVisitor {
    var spec: RunSpec
    func visit<Method: Optimizer<Float>>(_ optimizer: Method) -> Double { trainerRun(spec, optimizer) }
}

/// One engine-loop run: seconds.
struct EngineRun: OptimizerVisitor {
    var spec: RunSpec
    func visit<Method: Optimizer<Float>>(_ optimizer: Method) -> Double { engineRun(spec, optimizer) }
}

/// The training loss and accuracy after a Trainer run.
struct FinalMetrics: OptimizerVisitor {
    var spec: RunSpec
    func visit<Method: Optimizer<Float>>(_ optimizer: Method) -> (loss: Double, accuracy: Double) {
        finalMetrics(spec, optimizer)
    }
}
