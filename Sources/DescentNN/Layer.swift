// Layer: the protocol every building block of a network conforms to.
//
// Design note. Layers are values (swift-apis, not PyTorch's modules): copying a
// model copies its weights. Parameters are listed explicitly, in a fixed order
// and with names, never discovered by reflection (mlx-swift's weak point). A
// forward pass is `mutating` because training changes state — batch-norm
// running statistics, a dropout layer's random generator — and the mode is an
// argument of each call, as in Keras's `layer(x, training=True)`, rather than a
// flag to remember to flip (PyTorch's `model.eval()`).

/// Whether a forward pass is training or inference.
public enum LayerMode: Sendable, Hashable {
    /// Batch statistics, dropout on, running statistics updated.
    case training
    /// Running statistics, dropout off, nothing changes.
    case inference
}

/// A building block of a network: a differentiable function of its input and
/// its parameters, with optional non-trainable state.
///
/// Conformers list their trainable parameters (tensor variables) in a fixed
/// order with stable names; optimizers and checkpoints rely on that order.
public protocol Layer<Scalar> {
    associatedtype Scalar: BLASScalar

    /// The output for `input` (batch × features, one example per row).
    ///
    /// Mutating because training may update state (running statistics, a
    /// random generator); inference never changes the layer.
    mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar>

    /// The trainable parameters with their names, in a fixed order.
    ///
    /// Setting it replaces the values; names, count and shapes must not change
    /// (use ``Tensor/replacingValue(with:)`` to keep each variable's identity).
    var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { get set }

    /// Non-trainable state that belongs in a checkpoint (running mean and
    /// variance, standardization statistics), with names. Empty by default.
    var namedState: [(name: String, value: Matrix<Scalar>)] { get set }

    /// The names of parameters that are vectors in PyTorch's `state_dict`
    /// (stored here as 1×n rows): checkpoints write them as 1-D tensors.
    /// By default, the parameters named `bias`.
    var vectorParameterNames: Set<String> { get }
}

extension Layer {
    public var vectorParameterNames: Set<String> {
        Set(namedParameters.map(\.name).filter { $0 == "bias" })
    }

    public var namedState: [(name: String, value: Matrix<Scalar>)] {
        get { [] }
        set { precondition(newValue.isEmpty, "\(Self.self) has no state to set") }
    }

    /// The trainable parameters, in order.
    public var parameters: [Tensor<Scalar>] {
        get { namedParameters.map { $0.tensor } }
        set {
            let names = namedParameters.map(\.name)
            precondition(newValue.count == names.count, "\(Self.self) has \(names.count) parameters, got \(newValue.count)")
            namedParameters = Array(zip(names, newValue)).map { (name: $0.0, tensor: $0.1) }
        }
    }

    /// The number of trainable scalars.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.value.count } }

    /// Runs a forward pass in `mode`.
    @inlinable
    public mutating func callAsFunction(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        forward(input, mode: mode)
    }

    /// Runs an inference pass (the layer is not changed).
    @inlinable
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        var copy = self
        return copy.forward(input, mode: .inference)
    }

    /// Inference on a data matrix, without recording anything on the tape.
    public func predict(_ input: Matrix<Scalar>) -> Matrix<Scalar> {
        withoutGradients { self(Tensor(input)).value }
    }

    /// Replaces the parameter values (same order and shapes), keeping each
    /// variable's identity: what an optimizer step does.
    public mutating func updateParameterValues(_ values: [Matrix<Scalar>]) {
        let current = parameters
        precondition(values.count == current.count, "\(Self.self) has \(current.count) parameters, got \(values.count) values")
        parameters = zip(current, values).map { $0.replacingValue(with: $1) }
    }
}

/// Checks that a replacement list of named tensors keeps names and shapes.
func requireSameLayout<Scalar>(
    _ old: [(name: String, tensor: Tensor<Scalar>)], _ new: [(name: String, tensor: Tensor<Scalar>)], in layer: String
) {
    precondition(old.count == new.count, "\(layer): \(old.count) parameters expected, got \(new.count)")
    for (a, b) in zip(old, new) {
        precondition(
            a.tensor.rows == b.tensor.rows && a.tensor.columns == b.tensor.columns,
            "\(layer).\(a.name): shape \(a.tensor.shapeDescription) expected, got \(b.tensor.shapeDescription)")
    }
}
