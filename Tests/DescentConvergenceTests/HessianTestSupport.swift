// Shared pieces of the network Hessian tests: the standardized digits data,
// tanh MLPs of the shapes, and the gradient at perturbed parameters
// (the finite-difference reference).

import DescentAutograd
import DescentNN
import DescentTraining

@testable import DescentConvergence

enum HessianFixtures {
    /// The 64-16-10 tanh network on the first 100 digits, its analysis and its exact Hessian.
    struct Small {
        let model: Sequential<Double>
        let data: Dataset<Double>
        let analysis: HessianAnalysis
        let exact: ExactHessian
    }

    /// The bundled digits (1,797 × 64, labels 0…9), each feature standardized over
    /// all examples (constant pixels stay 0); loaded once.
    static func digits() throws -> Dataset<Double> { try loadedDigits.get() }

    private static let loadedDigits = Result { () throws -> Dataset<Double> in
        let raw = try Dataset<Double>.load(.digits)
        return try raw.standardized(using: try Standardizer(fittedTo: raw.features))
    }

    /// The first `count` digits.
    static func digits(first count: Int) throws -> Dataset<Double> { try digits().subset(Array(0..<count)) }

    /// The 64-16-10 tanh network (P = 1,210) on the first 100 digits, its analysis under
    /// softmax cross-entropy and its exact Hessian: built once, shared by the suites
    /// (an exact assembly costs P/16 sweeps, ~1.5 s in a debug build).
    static func small() throws -> Small { try builtSmall.get() }

    nonisolated(unsafe) private static let builtSmall = Result { () throws -> Small in
        let model = try tanhNetwork(hidden: 16)
        let data = try digits(first: 100)
        let analysis = try HessianAnalysis(model: model, data: data, loss: .softmaxCrossEntropy)
        return Small(model: model, data: data, analysis: analysis, exact: try analysis.exactHessian())
    }

    /// A 64-h-10 tanh network with PyTorch's default initialization.
    static func tanhNetwork(hidden: Int, seed: UInt64 = 1) throws -> Sequential<Double> {
        var generator = Xoshiro256StarStar(seed: seed)
        return Sequential([
            try Dense<Double>.pytorchDefault(inputs: 64, outputs: hidden, using: &generator),
            Activation<Double>(.tanh),
            try Dense<Double>.pytorchDefault(inputs: hidden, outputs: 10, using: &generator),
        ])
    }

    /// ∇L (flattened as HessianAnalysis flattens it) at the parameters `flat`.
    static func gradient(
        of model: Sequential<Double>, at flat: [Double], inputs: Matrix<Double>, targets: Matrix<Double>, loss: Loss
    ) -> [Double] {
        var copy = model
        var offset = 0
        let values = copy.parameters.map { tensor in
            defer { offset += tensor.value.count }
            return Matrix(rows: tensor.rows, columns: tensor.columns, elements: Array(flat[offset..<offset + tensor.value.count]))
        }
        copy.updateParameterValues(values)
        let variables = copy.parameters
        let value = loss(copy.forward(Tensor(inputs), mode: .training), targets)
        return DescentAutograd.gradient(of: value, withRespectTo: variables).flatMap { $0.value.elements }
    }

    /// The parameters of `model`, flattened in order.
    static func flatParameters(of model: some Layer<Double>) -> [Double] {
        model.parameters.flatMap { $0.value.elements }
    }
}
