// Residual: a shortcut connection around a block, y = body(x) + shortcut(x).

/// A residual block: y = body(x) + x, or body(x) + shortcut(x) when the
/// shapes differ and a projection is given (He et al., "Deep Residual Learning
/// for Image Recognition", 2016).
///
/// The identity path gives gradients a route around the body, which is why
/// deep residual networks do not suffer the vanishing products of the
/// notes' diag(a, b) example.
public struct Residual<Scalar: BLASScalar>: Layer {
    /// The block the shortcut goes around.
    public var body: any Layer<Scalar>
    /// The projection on the shortcut path, or `nil` for the identity.
    public var shortcut: (any Layer<Scalar>)?

    /// A residual block around `body`, with an optional projection on the shortcut.
    public init(_ body: any Layer<Scalar>, shortcut: (any Layer<Scalar>)? = nil) {
        self.body = body
        self.shortcut = shortcut
    }

    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        let main = body.forward(input, mode: mode)
        let skip = shortcut?.forward(input, mode: mode) ?? input
        precondition(
            main.rows == skip.rows && main.columns == skip.columns,
            "Residual: body gives \(main.shapeDescription), shortcut \(skip.shapeDescription); add a projection")
        return main + skip
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get {
            body.namedParameters.map { (name: "body.\($0.name)", tensor: $0.tensor) }
                + (shortcut?.namedParameters.map { (name: "shortcut.\($0.name)", tensor: $0.tensor) } ?? [])
        }
        set {
            requireSameLayout(namedParameters, newValue, in: "Residual")
            let count = body.namedParameters.count
            body.namedParameters = newValue[..<count].map { (name: String($0.name.dropFirst(5)), tensor: $0.tensor) }
            shortcut?.namedParameters = newValue[count...].map { (name: String($0.name.dropFirst(9)), tensor: $0.tensor) }
        }
    }

    public var vectorParameterNames: Set<String> {
        Set(body.vectorParameterNames.map { "body.\($0)" })
            .union(shortcut?.vectorParameterNames.map { "shortcut.\($0)" } ?? [])
    }

    public var namedState: [(name: String, value: Matrix<Scalar>)] {
        get {
            body.namedState.map { (name: "body.\($0.name)", value: $0.value) }
                + (shortcut?.namedState.map { (name: "shortcut.\($0.name)", value: $0.value) } ?? [])
        }
        set {
            let count = body.namedState.count
            body.namedState = newValue[..<count].map { (name: String($0.name.dropFirst(5)), value: $0.value) }
            shortcut?.namedState = newValue[count...].map { (name: String($0.name.dropFirst(9)), value: $0.value) }
        }
    }
}
