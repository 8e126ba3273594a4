// WeightNormalizedDense: a dense layer whose weight rows are reparameterized
// as a length times a direction.

/// A fully connected layer with weight normalization (Salimans & Kingma 2016):
/// each output unit's weight row is w_j = g_j · v_j/‖v_j‖, so its length g_j and
/// its direction v_j/‖v_j‖ are separate parameters; then z = x·Wᵀ + b as in ``Dense``.
///
/// Unlike batch normalization this involves no batch statistics: the same map
/// in training and inference, exact for a single example. Gradient descent on
/// (v, g) instead of w rescales the gradient by g/‖v‖ and projects out its
/// component along v (the paper's eq. 4), which improves the conditioning.
///
/// Parameters, named as `torch.nn.utils.weight_norm(nn.Linear(…))` names them:
/// - `weight_v`: v, outputs × inputs (the layout of ``Dense/weight``);
/// - `weight_g`: g, outputs × 1 (one length per output unit, PyTorch's (outputs, 1));
/// - `bias`: b, 1 × outputs, if the layer has a bias.
///
/// Built from differentiable operations, so gradients and Hessians with
/// respect to v, g, b and the input are exact. A zero row of v makes its w
/// undefined (0/0); initializers that draw continuous values never give one.
///
/// References: T. Salimans, D. P. Kingma, "Weight Normalization: A Simple
/// Reparameterization to Accelerate Training of Deep Neural Networks", NeurIPS 2016.
public struct WeightNormalizedDense<Scalar: BLASScalar>: Layer {
    /// v, the outputs × inputs direction parameter (`weight_v`).
    public private(set) var direction: Tensor<Scalar>
    /// g, the outputs × 1 length of each output unit's weight row (`weight_g`).
    public private(set) var magnitude: Tensor<Scalar>
    /// b, the 1 × outputs bias, or `nil` for a layer without bias.
    public private(set) var bias: Tensor<Scalar>?

    /// The number of inputs (fan-in).
    public var inputs: Int { direction.columns }
    /// The number of outputs (units).
    public var outputs: Int { direction.rows }

    /// The effective weight W (outputs × inputs), row j = g_j v_j/‖v_j‖; on the
    /// tape, so derivatives flow to v and g.
    public var weight: Tensor<Scalar> {
        let rowNorms = direction.squared().sum(alongAxis: 1).squareRoot()
        return direction * (magnitude / rowNorms)
    }

    // MARK: - Creating a layer

    /// A layer whose direction v is drawn by `weightInitializer`, with g = ‖v_j‖
    /// per row so that the initial weight W equals v (as PyTorch's `weight_norm` starts).
    ///
    /// - Parameters:
    ///   - inputs: the fan-in, ≥ 1.
    ///   - outputs: the number of units, ≥ 1.
    ///   - weightInitializer: the distribution of v (Glorot uniform by default, as ``Dense``).
    ///   - biasInitializer: zeros by default; `nil` for no bias. It draws an
    ///     outputs × 1 matrix, as ``Dense`` does.
    ///   - generator: the seeded source of every random draw.
    /// - Throws: only if an orthogonal initializer's QR factorization fails in LAPACK.
    /// - Precondition: no row of v is zero (a constant-zero initializer would give one).
    public init<G: RandomNumberGenerator>(
        inputs: Int, outputs: Int, weightInitializer: Initializer = .glorotUniform(),
        biasInitializer: Initializer? = .zeros, using generator: inout G
    ) throws(LinalgError) {
        precondition(
            inputs >= 1 && outputs >= 1,
            "WeightNormalizedDense needs at least one input and one output, got \(inputs)→\(outputs)")
        let v: Matrix<Scalar> = try weightInitializer.matrix(rows: outputs, columns: inputs, using: &generator)
        // As Dense draws it: an outputs × 1 bias (a fan-dependent initializer sees fan-in 1).
        let b: Matrix<Scalar>? = try biasInitializer?.matrix(rows: outputs, columns: 1, using: &generator)
        self.init(weight: v, bias: b)
    }

    /// The weight-normalized form of a given weight W (outputs × inputs) and
    /// optional bias: v = W and g = ‖W_j‖ per row, so the layer computes exactly
    /// what `Dense(weight: W, bias: b)` computes.
    /// - Precondition: no row of `weight` is zero; `bias` has one value per output.
    public init(weight: Matrix<Scalar>, bias: Matrix<Scalar>?) {
        let norms = weight.hadamardProduct(weight).sum(alongAxis: 1).map { $0.squareRoot() }
        if let zeroRow = norms.elements.firstIndex(of: 0) {
            preconditionFailure("WeightNormalizedDense: row \(zeroRow) of the weight is zero, so its direction is undefined")
        }
        self.init(direction: weight, magnitude: norms, bias: bias)
    }

    /// A layer from its parameters: v (outputs × inputs), g (outputs values) and
    /// an optional bias (outputs values), e.g. from a PyTorch checkpoint.
    /// - Precondition: the shapes agree.
    public init(direction: Matrix<Scalar>, magnitude: Matrix<Scalar>, bias: Matrix<Scalar>?) {
        let outputs = direction.rows
        precondition(
            magnitude.count == outputs && (magnitude.rows == 1 || magnitude.columns == 1),
            "WeightNormalizedDense: magnitude \(magnitude.shapeDescription) does not match \(outputs) outputs")
        if let bias {
            precondition(
                bias.count == outputs && (bias.rows == 1 || bias.columns == 1),
                "WeightNormalizedDense: bias \(bias.shapeDescription) does not match \(outputs) outputs")
        }
        self.direction = Tensor(variable: direction)
        self.magnitude = Tensor(variable: magnitude.reshaped(rows: outputs, columns: 1))
        self.bias = bias.map { Tensor(variable: $0.reshaped(rows: 1, columns: outputs)) }
    }

    /// The weight-normalized form of `dense`: same outputs, new variables.
    public init(_ dense: Dense<Scalar>) {
        self.init(weight: dense.weight.value, bias: dense.bias?.value)
    }

    // MARK: - Forward pass

    /// z = x·Wᵀ + b with W = g ⊙ v/‖v‖ (row-wise); `mode` makes no difference.
    /// - Precondition: `input` has ``inputs`` columns.
    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        precondition(
            input.columns == inputs,
            "WeightNormalizedDense expects \(inputs) features per example, got \(input.shapeDescription)")
        let product = matmul(input, weight, transposingB: true)
        guard let bias else { return product }
        return product + bias
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { [("weight_v", direction), ("weight_g", magnitude)] + (bias.map { [("bias", $0)] } ?? []) }
        set {
            requireSameLayout(namedParameters, newValue, in: "WeightNormalizedDense")
            direction = newValue[0].tensor
            magnitude = newValue[1].tensor
            if bias != nil { bias = newValue[2].tensor }
        }
    }
}
