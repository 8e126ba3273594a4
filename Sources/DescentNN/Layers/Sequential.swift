// Sequential: layers applied one after the other.

/// Layers applied in order; the output of each is the input of the next.
///
/// Parameter and state names are prefixed with the layer's index, as PyTorch's
/// `nn.Sequential` names them (`"0.weight"`, `"2.running_mean"`), so
/// checkpoints line up with a PyTorch model of the same structure.
public struct Sequential<Scalar: BLASScalar>: Layer {
    /// The layers, in order.
    public var layers: [any Layer<Scalar>]

    /// A network of `layers`, applied in order.
    public init(_ layers: [any Layer<Scalar>]) { self.layers = layers }

    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        var x = input
        for index in layers.indices { x = layers[index].forward(x, mode: mode) }
        return x
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get {
            layers.enumerated().flatMap { index, layer in
                layer.namedParameters.map { (name: "\(index).\($0.name)", tensor: $0.tensor) }
            }
        }
        set {
            requireSameLayout(namedParameters, newValue, in: "Sequential")
            var offset = 0
            for index in layers.indices {
                let count = layers[index].namedParameters.count
                layers[index].namedParameters = newValue[offset..<offset + count].map { entry in
                    (name: String(entry.name.drop { $0 != "." }.dropFirst()), tensor: entry.tensor)
                }
                offset += count
            }
        }
    }

    public var vectorParameterNames: Set<String> {
        Set(layers.enumerated().flatMap { index, layer in layer.vectorParameterNames.map { "\(index).\($0)" } })
    }

    public var namedState: [(name: String, value: Matrix<Scalar>)] {
        get {
            layers.enumerated().flatMap { index, layer in
                layer.namedState.map { (name: "\(index).\($0.name)", value: $0.value) }
            }
        }
        set {
            var offset = 0
            for index in layers.indices {
                let count = layers[index].namedState.count
                precondition(offset + count <= newValue.count, "Sequential: too few state entries")
                layers[index].namedState = newValue[offset..<offset + count].map { entry in
                    (name: String(entry.name.drop { $0 != "." }.dropFirst()), value: entry.value)
                }
                offset += count
            }
            precondition(offset == newValue.count, "Sequential: \(offset) state entries expected, got \(newValue.count)")
        }
    }
}
