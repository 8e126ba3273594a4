// Activation functions as layers.

/// An element-wise activation function.
public enum ActivationFunction: Sendable, Hashable {
    case identity
    case relu
    /// x for x > 0, `slope`·x otherwise.
    case leakyReLU(slope: Double = 0.01)
    /// x for x > 0, α(eˣ − 1) otherwise.
    case elu(alpha: Double = 1)
    case tanh
    /// The logistic σ(x) = 1/(1 + e^{−x}).
    case sigmoid
    /// log(1 + eˣ).
    case softplus
    /// x·Φ(x), exact (erf) form.
    case gelu

    /// The function applied to every element of `x`.
    public func apply<Scalar>(to x: Tensor<Scalar>) -> Tensor<Scalar> {
        switch self {
        case .identity: x
        case .relu: x.relu()
        case .leakyReLU(let slope): x.leakyReLU(slope: Scalar(slope))
        case .elu(let alpha): x.elu(alpha: Scalar(alpha))
        case .tanh: x.tanh()
        case .sigmoid: x.sigmoid()
        case .softplus: x.softplus()
        case .gelu: x.gelu()
        }
    }
}

/// A layer applying an activation function element by element; no parameters.
public struct Activation<Scalar: BLASScalar>: Layer {
    /// The function applied.
    public let function: ActivationFunction

    /// A layer applying `function`.
    public init(_ function: ActivationFunction) { self.function = function }

    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        function.apply(to: input)
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { [] }
        set { precondition(newValue.isEmpty, "Activation has no parameters") }
    }
}
