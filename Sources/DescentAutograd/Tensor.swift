// Tensor: a Matrix value plus its place on the reverse-mode tape.
//
// Design note. Goals, in priority order: (1) exact second derivatives — every
// pullback is written with differentiable Tensor operations, so a gradient
// computed with `creatingGraph: true` is itself on the tape; (2) speed of the
// first-order pass — when no graph is being created the pullbacks see detached
// tensors and fall through to plain Matrix kernels; (3) value semantics — a
// Tensor is a struct, the tape is the graph of `TapeNode`s its values came from,
// and it is freed by reference counting as soon as the last tensor that
// reaches it goes away (there is no global tape to clear).
//
// Sources: Griewank & Walther, "Evaluating Derivatives" (2008), ch. 3–5;
// Pearlmutter, "Fast exact multiplication by the Hessian" (1994).

/// A matrix-valued quantity that remembers how it was computed, so that
/// derivatives of any scalar built from it can be taken exactly.
///
/// Tensors are rank 2 (batch × features); a vector is n×1, a scalar 1×1,
/// as for ``Matrix``. A tensor is one of three kinds:
/// - a **constant** (`Tensor(_:)`): data; nothing is recorded for it;
/// - a **variable** (`Tensor(variable:)`): a leaf the tape tracks, such as a
///   weight matrix; gradients are taken with respect to variables;
/// - a **result** of operations on at least one variable: it carries the
///   node that produced it, and through it the whole computation.
///
/// ```swift
/// let w = Tensor(variable: Matrix<Double>(column: [1, 2]))
/// let loss = (w * w).sum()                   // ‖w‖²
/// let g = gradient(of: loss, withRespectTo: [w])[0].value   // 2w = (2, 4)
/// ```
public struct Tensor<Scalar: BLASScalar> {
    /// The numbers this tensor holds.
    public let value: Matrix<Scalar>
    /// The tape node that produced this tensor; `nil` for constants.
    @usableFromInline let node: TapeNode<Scalar>?

    /// A constant: a tensor the tape does not track.
    @inlinable
    public init(_ value: Matrix<Scalar>) {
        self.value = value
        self.node = nil
    }

    /// A variable: a leaf whose gradient can be asked for.
    ///
    /// Each call makes a new, distinct variable, even for equal values.
    public init(variable value: Matrix<Scalar>) {
        self.value = value
        self.node = TapeNode(inputs: [], operation: .leaf, output: value)
    }

    @usableFromInline
    init(value: Matrix<Scalar>, node: TapeNode<Scalar>?) {
        self.value = value
        self.node = node
    }

    /// A 1×1 constant.
    @inlinable
    public init(scalar: Scalar) {
        self.init(Matrix(rows: 1, columns: 1, repeating: scalar))
    }

    // MARK: - Shape and identity

    /// The number of rows.
    @inlinable public var rows: Int { value.rows }
    /// The number of columns.
    @inlinable public var columns: Int { value.columns }
    /// `rows×columns`, for messages.
    public var shapeDescription: String { value.shapeDescription }
    /// The single element of a 1×1 tensor.
    /// - Precondition: the tensor is 1×1.
    public var scalarValue: Scalar {
        precondition(value.count == 1, "scalarValue of a \(shapeDescription) tensor; it must be 1×1")
        return value.elements[0]
    }

    /// Whether the tape tracks this tensor (a variable or a result computed from one).
    @inlinable public var isTracked: Bool { node != nil }
    /// Whether this tensor is a variable: a tracked leaf.
    public var isVariable: Bool { node?.operation.isLeaf ?? false }

    /// The same value, cut from the tape: derivatives do not flow through it
    /// (JAX's `stop_gradient`, PyTorch's `detach()`).
    @inlinable
    public func detached() -> Tensor { Tensor(value) }

    /// The same variable holding a new value: keeps this variable's identity,
    /// so gradients taken later still refer to it. Optimizer updates use this.
    /// - Precondition: this is a variable and the shapes agree.
    public func replacingValue(with newValue: Matrix<Scalar>) -> Tensor {
        precondition(isVariable, "replacingValue(with:) needs a variable, not a constant or a computed result")
        precondition(
            newValue.rows == rows && newValue.columns == columns,
            "replacingValue(with:): new value is \(newValue.shapeDescription), variable is \(shapeDescription)")
        return Tensor(value: newValue, node: node)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let kind = node == nil ? "constant" : (isVariable ? "variable" : "result of \(node!.operation.name)")
        return "Tensor \(shapeDescription) (\(kind))"
    }
}

// MARK: - No-gradient mode

/// Where the tape's on/off switch lives (a task-local, so concurrent tasks do
/// not see each other's setting).
@usableFromInline
enum GradientRecording {
    @TaskLocal @usableFromInline static var isEnabled = true
}

/// Runs `body` without recording anything on the tape: results computed inside
/// are constants, as in PyTorch's `torch.no_grad()`. Use it for inference and
/// for evaluation metrics.
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}

/// Whether operations are being recorded (false inside ``withoutGradients(_:)``).
public var isRecordingGradients: Bool { GradientRecording.isEnabled }
