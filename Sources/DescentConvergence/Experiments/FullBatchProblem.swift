// FullBatchProblem: what the paper reproductions share — a classification
// data set held as one batch, a multilayer perceptron with PyTorch's default
// initialization, the full training loss as a function of the parameters,
// and the errors an experiment can meet.
//
// Design note. Both reproductions (edge of stability, batch normalization's
// smoothness) measure the Hessian of the *full* training loss, so the whole
// data set is one batch and every loss value, gradient and Hessian-vector
// product is taken on it. The optimizer is always one of `DescentOptimizers`
// (full-batch `SGD`); this file only evaluates the loss.

import DescentAutograd
import DescentNN
import DescentTraining

// MARK: - Errors

/// Why a paper reproduction could not run or finish.
public enum ReproductionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range; the text says which and what is allowed.
    case invalidConfiguration(String)
    /// The data set could not be loaded or prepared.
    case data(DatasetError)
    /// The data set is not a classification set with at least two examples.
    case unsuitableData(String)
    /// The training loss became NaN or ±∞ at `step` (the learning rate is too
    /// large for this model, far beyond the edge of stability).
    case diverged(step: Int, loss: Double)
    /// Training stopped after `steps` steps at `loss`, above the loss `level` it had to reach.
    case lossLevelNotReached(level: Double, steps: Int, loss: Double)
    /// The optimizer refused a hyperparameter or an update.
    case optimizer(OptimizerError)
    /// A LAPACK routine failed in an initializer.
    case linearAlgebra(LinalgError)
    /// The Lanczos sharpness measurement failed (a non-finite Hessian-vector product, an eigensolver failure).
    case spectrum(SpectrumError)

    public var description: String {
        switch self {
        case let .invalidConfiguration(text): "invalid experiment configuration: \(text)"
        case let .data(error): "data: \(error)"
        case let .unsuitableData(text): "unsuitable data: \(text)"
        case let .diverged(step, loss):
            "the training loss became \(loss) at step \(step); use a smaller learning rate"
        case let .lossLevelNotReached(level, steps, loss):
            "the training loss was still \(loss) after \(steps) steps, above the level \(level); "
                + "allow more steps or use a larger learning rate"
        case let .optimizer(error): "optimizer: \(error)"
        case let .linearAlgebra(error): "linear algebra: \(error)"
        case let .spectrum(error): "sharpness measurement: \(error)"
        }
    }
}

// MARK: - Data

extension Dataset where Scalar == Double {
    /// The scikit-learn digits (1,797 examples of 8×8 pixels, 10 classes), as
    /// Cohen et al. prepare CIFAR-10: every feature standardized over the whole
    /// set, x̃ = (x − μ)/σ with the population σ (the 3 pixels that are always 0
    /// keep σ = 1 and stay 0), and one-hot targets for the quadratic loss.
    ///
    /// All examples are training examples: the reproductions study the
    /// training loss, so nothing is held out.
    /// - Throws: ``ReproductionError/data(_:)`` if the bundled file cannot be read.
    public static func standardizedDigits() throws(ReproductionError) -> Dataset<Double> {
        do throws(DatasetError) {
            let raw = try Dataset<Double>.load(.digits)
            let standardizer: Standardizer<Double>
            do {
                standardizer = try Standardizer(fittedTo: raw.features)
            } catch {
                throw DatasetError.standardization(error)
            }
            return try raw.standardized(using: standardizer).oneHotEncoded()
        } catch {
            throw .data(error)
        }
    }
}

/// A classification data set as one batch: the input tensor (a constant),
/// the target matrix and the labels.
struct FullBatch {
    let input: Tensor<Double>
    let targets: Matrix<Double>
    let labels: [Int]
    let classCount: Int

    var count: Int { labels.count }

    /// - Throws: ``ReproductionError/unsuitableData(_:)`` for a regression set,
    ///   fewer than 2 examples, or targets that are not one column per class.
    init(_ data: Dataset<Double>) throws(ReproductionError) {
        guard let labels = data.labels, let classCount = data.classCount else {
            throw .unsuitableData("the data set has no class labels; the reproductions need a classification set")
        }
        guard data.count >= 2 else { throw .unsuitableData("\(data.count) example(s); at least 2 are needed") }
        guard data.targetCount == classCount else {
            throw .unsuitableData(
                "\(data.targetCount) target column(s) for \(classCount) classes; one-hot encode the targets (oneHotEncoded())")
        }
        self.input = Tensor(data.features)
        self.targets = data.targets
        self.labels = labels
        self.classCount = classCount
    }

    /// The number of rows whose largest output is in the label's column.
    func correctCount(_ output: Matrix<Double>) -> Int {
        var correct = 0
        output.withUnsafeElements { values in
            let columns = output.columns
            for row in 0..<output.rows {
                var best = 0
                for column in 1..<columns where values[row * columns + column] > values[row * columns + best] {
                    best = column
                }
                if best == labels[row] { correct += 1 }
            }
        }
        return correct
    }
}

// MARK: - Model

/// A multilayer perceptron inputs → hidden… → outputs: Dense layers with
/// PyTorch's default initialization (weights and biases U(±1/√fan_in)), each
/// hidden one followed by an optional `BatchNorm` (before the activation, as
/// Ioffe & Szegedy place it) and the activation; the output layer is linear.
func multilayerPerceptron(
    inputs: Int, hiddenSizes: [Int], outputs: Int, activation: ActivationFunction, batchNormalization: Bool,
    seed: UInt64
) throws(ReproductionError) -> Sequential<Double> {
    var generator = Xoshiro256StarStar(seed: seed)
    var layers: [any Layer<Double>] = []
    var fanIn = inputs
    do {
        for width in hiddenSizes {
            layers.append(try Dense<Double>.pytorchDefault(inputs: fanIn, outputs: width, using: &generator))
            if batchNormalization { layers.append(BatchNorm<Double>(features: width)) }
            layers.append(Activation<Double>(activation))
            fanIn = width
        }
        layers.append(try Dense<Double>.pytorchDefault(inputs: fanIn, outputs: outputs, using: &generator))
    } catch {
        throw .linearAlgebra(error)
    }
    return Sequential(layers)
}

// MARK: - The full training loss

/// A model and a full batch: the training loss L(θ) as a tensor of the
/// parameters, in training mode (batch statistics for batch normalization).
struct FullBatchObjective {
    var model: Sequential<Double>
    let batch: FullBatch
    let loss: Loss

    /// One evaluation at `parameters`: the loss tensor (recorded on the tape),
    /// the variables it depends on, and the number of correct predictions.
    mutating func evaluate(at parameters: [Matrix<Double>]) -> (loss: Tensor<Double>, variables: [Tensor<Double>], correct: Int) {
        model.updateParameterValues(parameters)
        let variables = model.parameters
        let output = model.forward(batch.input, mode: .training)
        let value = loss(output, batch.targets)
        return (value, variables, batch.correctCount(output.value))
    }
}

// MARK: - Sharpness

extension FullBatch {
    /// A tracker of the sharpness of the full training loss (batch statistics
    /// over the whole batch), warm-started from measurement to measurement:
    /// the Hessian module's `SharpnessTracker` with a relative residual
    /// tolerance of `tolerance`.
    func sharpnessTracker(loss: Loss, tolerance: Double, seed: UInt64) -> SharpnessTracker {
        SharpnessTracker(
            inputs: input.value, targets: targets, loss: loss, mode: .training,
            lanczos: Lanczos(maximumDimension: 200, minimumDimension: 4, tolerance: tolerance), seed: seed)
    }
}

extension SharpnessTracker {
    /// Measures S for `model` at `step` as an experiment records it.
    func measurement(of model: Sequential<Double>, step: Int) throws(ReproductionError) -> SharpnessMeasurement {
        do {
            try measure(model, step: step)
        } catch {
            throw .spectrum(error)
        }
        let last = measurements[measurements.count - 1]
        return SharpnessMeasurement(
            step: step, value: last.sharpness, residualBound: last.residualBound, products: last.products)
    }
}

/// gᵀHg/‖g‖² with g the gradient `hessian` was recorded at: the curvature of
/// the loss along the direction a gradient step moves in (0 for a zero gradient).
func curvatureAlongGradient(_ hessian: HessianOperator<Double>) -> Double {
    let gradient = hessian.gradient
    let squaredNorm = gradient.reduce(0) { $0 + dot($1, $1) }
    guard squaredNorm > 0 else { return 0 }
    let product = hessian.apply(along: gradient)
    return zip(gradient, product).reduce(0) { $0 + dot($1.0, $1.1) } / squaredNorm
}
