// LibraryModel: the same computation through Descent's public API, as a user
// writes it — a `Sequential` of `Dense` and `Activation` layers, the softmax
// cross-entropy `Loss`, `gradient(of:withRespectTo:)` and `HessianOperator`.
//
// The parameter list and the one-hot targets are made once, outside the timed
// code (a training loop makes them once per model and per batch too).

import BenchmarkSupport
import DescentNN

/// A network, one batch, and the loss, gradient and Hessian operator on it.
final class LibraryModel<Scalar: BLASScalar> {
    var network: Sequential<Scalar>
    let parameters: [Tensor<Scalar>]
    let inputs: Tensor<Scalar>
    let targets: Matrix<Scalar>

    init(_ spec: ModelSpec, weights: [(weight: Matrix<Scalar>, bias: Matrix<Scalar>)], batch: Batch<Scalar>) {
        network = makeNetwork(spec, weights: weights)
        parameters = network.parameters
        inputs = Tensor(batch.inputs)
        targets = batch.targets
    }

    /// Forward pass and the mean softmax cross-entropy (1×1, on the tape).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    func loss() -> Tensor<Scalar> {
        Loss.softmaxCrossEntropy(network(inputs, mode: .training), targets)
    }

    /// Forward and backward: the gradient of every parameter (W₁, b₁, W₂, b₂, …).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    func lossGradient() -> [Tensor<Scalar>] {
        gradient(of: loss(), withRespectTo: parameters)
    }

    /// Forward pass and the Hessian operator (which records the gradient's graph).
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    func hessianOperator() -> HessianOperator<Scalar> {
        HessianOperator(of: loss(), withRespectTo: parameters)
    }
}

/// The largest |a − b| over matching matrices, relative to the largest |b|.
func relativeDifference<Scalar: BLASScalar>(_ a: [Matrix<Scalar>], _ b: [Matrix<Scalar>]) -> Double {
    precondition(a.count == b.count, "relativeDifference: \(a.count) and \(b.count) matrices")
    var difference = 0.0
    var scale = 0.0
    for (x, y) in zip(a, b) {
        precondition(
            x.rows == y.rows && x.columns == y.columns, "relativeDifference: \(x.shapeDescription) vs \(y.shapeDescription)")
        difference = max(difference, Double(x.maxAbsoluteDifference(y)))
        scale = max(scale, Double(y.maxAbsoluteElement()))
    }
    return difference / max(scale, .leastNormalMagnitude)
}

/// The relative tolerance of a comparison between two orders of summation.
func summationTolerance<Scalar: BLASScalar>(_: Scalar.Type) -> Double {
    Scalar.self == Float.self ? 1e-4 : 1e-10
}
