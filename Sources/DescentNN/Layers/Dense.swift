// Dense: the fully connected layer z = x·Wᵀ + b.

/// A fully connected layer: z = x·Wᵀ + b for a batch x of examples in rows.
///
/// The weight is stored as PyTorch's `nn.Linear` stores it, outputs × inputs
/// (so a checkpoint loads there unchanged): row j holds the weights into output
/// unit j, fan-in = `inputs`, fan-out = `outputs`. The bias is a 1×outputs row,
/// broadcast down the batch. In the notes' column notation this is
/// aˡ = Wˡzˡ⁻¹ + bˡ applied to every example at once.
public struct Dense<Scalar: BLASScalar>: Layer {
    /// The outputs × inputs weight matrix W.
    public private(set) var weight: Tensor<Scalar>
    /// The 1×outputs bias b, or `nil` for a layer without bias.
    public private(set) var bias: Tensor<Scalar>?

    /// The number of inputs (fan-in).
    public var inputs: Int { weight.columns }
    /// The number of outputs (fan-out).
    public var outputs: Int { weight.rows }

    /// A layer with weights drawn by `weightInitializer` and biases by `biasInitializer`.
    ///
    /// - Parameters:
    ///   - inputs: the fan-in (features per example), ≥ 1.
    ///   - outputs: the fan-out (units), ≥ 1.
    ///   - weightInitializer: Glorot (Xavier) uniform by default, as in Keras.
    ///   - biasInitializer: zeros by default; `nil` for no bias. It draws an
    ///     outputs × 1 matrix, so a fan-dependent initializer sees fan-in 1; for
    ///     PyTorch's bias U(±1/√inputs) use ``pytorchDefault(inputs:outputs:using:)``.
    ///   - generator: the seeded source of every random draw.
    /// - Throws: only if an orthogonal initializer's QR factorization fails in LAPACK.
    public init<G: RandomNumberGenerator>(
        inputs: Int, outputs: Int, weightInitializer: Initializer = .glorotUniform(),
        biasInitializer: Initializer? = .zeros, using generator: inout G
    ) throws(LinalgError) {
        precondition(inputs >= 1 && outputs >= 1, "Dense needs at least one input and one output, got \(inputs)→\(outputs)")
        weight = Tensor(variable: try weightInitializer.matrix(rows: outputs, columns: inputs, using: &generator))
        if let biasInitializer {
            let column: Matrix<Scalar> = try biasInitializer.matrix(rows: outputs, columns: 1, using: &generator)
            bias = Tensor(variable: column.reshaped(rows: 1, columns: outputs))
        } else {
            bias = nil
        }
    }

    /// A layer initialized as PyTorch's `nn.Linear` is: weights and biases both
    /// U(±1/√inputs) (Glorot & Bengio's "standard" heuristic, Var = 1/(3·inputs)).
    public static func pytorchDefault<G: RandomNumberGenerator>(
        inputs: Int, outputs: Int, using generator: inout G
    ) throws(LinalgError) -> Dense {
        try Dense(
            inputs: inputs, outputs: outputs, weightInitializer: .pytorchLinearDefault,
            biasInitializer: .uniform(bound: 1 / Double(inputs).squareRoot()), using: &generator)
    }

    /// A layer with the given weight (outputs × inputs) and optional bias (1×outputs).
    public init(weight: Matrix<Scalar>, bias: Matrix<Scalar>?) {
        if let bias {
            precondition(
                bias.count == weight.rows && (bias.rows == 1 || bias.columns == 1),
                "Dense: bias \(bias.shapeDescription) does not match \(weight.rows) outputs")
        }
        self.weight = Tensor(variable: weight)
        self.bias = bias.map { Tensor(variable: $0.reshaped(rows: 1, columns: weight.rows)) }
    }

    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        precondition(input.columns == inputs, "Dense expects \(inputs) features per example, got \(input.shapeDescription)")
        let product = matmul(input, weight, transposingB: true)
        guard let bias else { return product }
        return product + bias
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
        set {
            requireSameLayout(namedParameters, newValue, in: "Dense")
            weight = newValue[0].tensor
            if bias != nil { bias = newValue[1].tensor }
        }
    }
}
