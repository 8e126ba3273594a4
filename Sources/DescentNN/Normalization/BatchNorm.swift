// BatchNorm: batch normalization over the features (columns) of a batch.
//
// Design note. Goals, in order: (1) exact derivatives — training mode is
// written with differentiable Tensor operations only (mean, subtract, square,
// square root, divide), so its gradient is Ioffe & Szegedy's backward pass and
// its Hessian is exact; (2) PyTorch's conventions (`nn.BatchNorm1d`) for
// everything a checkpoint or a comparison sees: names, momentum, biased
// variance in the forward pass and unbiased variance in the running average,
// initial state, ε; (3) the notes' α written beside PyTorch's momentum.
//
// Sources: Ioffe & Szegedy, "Batch Normalization", ICML 2015, Alg. 1–2;
// THEORY.md §11; the lecture notes (S0, S3) with the corrections of §14.

/// Batch normalization (Ioffe & Szegedy 2015): each feature (column) is
/// centered and scaled with statistics of the mini-batch, then given a
/// learnable scale γ and shift β.
///
/// **Training** (``LayerMode/training``, not frozen), per feature over the m
/// examples of the batch:
///
///     μ_B = (1/m) Σᵢ xᵢ,   σ²_B = (1/m) Σᵢ (xᵢ − μ_B)²   (biased),
///     x̂ᵢ = (xᵢ − μ_B)/√(σ²_B + ε),   yᵢ = γ x̂ᵢ + β,
///
/// so the output has mean β and standard deviation |γ| (up to ε). The running
/// statistics are then updated with the **unbiased** batch variance
/// m/(m − 1)·σ²_B, as PyTorch does:
///
///     running_mean ← (1 − momentum)·running_mean + momentum·μ_B
///     running_var  ← (1 − momentum)·running_var  + momentum·m/(m − 1)·σ²_B
///
/// **Inference** uses the running statistics: y = γ(x − running_mean)/√(running_var + ε) + β,
/// a fixed affine map of each example.
///
/// **Momentum conventions.** `momentum` is PyTorch's (default 0.1). The lecture
/// notes write the same average as μ̄ ← α μ̄ + (1 − α) μ_B, so **α = 1 − momentum**
/// (α = 0.9 ⇔ momentum = 0.1); ``init(features:averagingFactor:epsilon:affine:)``
/// takes α. Keras/TensorFlow also use the α form, with default α = 0.99.
/// The notes average the *standard deviation* σ; Ioffe & Szegedy and the
/// frameworks, and this layer, average the *variance* (THEORY.md §14, item 13).
/// `momentum: nil` gives a cumulative moving average, each batch weighted
/// equally: running ← running + (batch − running)/t at the t-th batch (PyTorch's
/// `momentum=None`); over many batches it approaches Ioffe & Szegedy's
/// population estimate E[x] = E_B[μ_B], Var[x] = m/(m−1)·E_B[σ²_B].
///
/// **Frozen state** (``freeze()``): the layer normalizes with its running
/// statistics and does not update them, *even in training mode* — the
/// behaviour Keras gives a `BatchNormalization` layer with `trainable = False`,
/// which the notes (S3) recommend for transfer learning: the statistics
/// learned on the source task are kept while the new head trains. A frozen
/// layer's output in training mode equals its inference output. γ and β are
/// still trainable parameters (they remain in ``namedParameters``); to freeze
/// them as well, leave them out of the optimizer's parameter list.
///
/// Parameters are `weight` (γ, ones) and `bias` (β, zeros), 1×features rows;
/// the state is `running_mean` (zeros), `running_var` (ones) and
/// `num_batches_tracked` (a 1×1 count), PyTorch's names, so a checkpoint lines
/// up with `nn.BatchNorm1d` (whose vectors have shape (features,)).
///
/// References: S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating Deep
/// Network Training by Reducing Internal Covariate Shift", ICML 2015.
public struct BatchNorm<Scalar: BLASScalar>: Layer {
    /// The number of features (columns) normalized.
    public let features: Int
    /// PyTorch's momentum in [0, 1], the weight of the new batch in the running
    /// averages; `nil` for a cumulative (equal-weight) average.
    public let momentum: Double?
    /// ε > 0, added to the variance before the square root.
    public let epsilon: Double

    /// γ, the 1×features scale (`weight`), or `nil` without affine parameters.
    public var weight: Tensor<Scalar>? { affine.weight }
    /// β, the 1×features shift (`bias`), or `nil` without affine parameters.
    public var bias: Tensor<Scalar>? { affine.bias }
    /// The running mean of the features, 1×features (initially zeros).
    public private(set) var runningMean: Matrix<Scalar>
    /// The running (unbiased) variance of the features, 1×features (initially ones).
    public private(set) var runningVariance: Matrix<Scalar>
    /// The number of training batches that updated the running statistics.
    public private(set) var batchesTracked: Int = 0
    /// Whether the layer is frozen: running statistics used and kept in training too.
    public private(set) var isFrozen = false

    private var affine: FeatureAffine<Scalar>

    /// The notes' averaging factor α = 1 − momentum (μ̄ ← α μ̄ + (1 − α) μ_B),
    /// or `nil` for a cumulative average.
    public var averagingFactor: Double? { momentum.map { 1 - $0 } }

    // MARK: - Creating a layer

    /// A batch-normalization layer with PyTorch's momentum convention.
    ///
    /// - Parameters:
    ///   - features: the number of features (columns), ≥ 1.
    ///   - momentum: the weight of each new batch in the running statistics, in
    ///     [0, 1]: running ← (1 − momentum)·running + momentum·batch. Default 0.1
    ///     (PyTorch). `nil` averages all batches equally (PyTorch's `momentum=None`).
    ///   - epsilon: ε > 0 added to the variance (default 1e−5, PyTorch's and the notes' δ).
    ///   - affine: whether to learn γ and β (default `true`).
    public init(features: Int, momentum: Double? = 0.1, epsilon: Double = 1e-5, affine: Bool = true) {
        precondition(features >= 1, "BatchNorm needs at least one feature, got \(features)")
        if let momentum {
            precondition(momentum >= 0 && momentum <= 1, "BatchNorm momentum must be in [0, 1], got \(momentum)")
        }
        precondition(epsilon > 0, "BatchNorm epsilon must be positive, got \(epsilon)")
        self.features = features
        self.momentum = momentum
        self.epsilon = epsilon
        self.runningMean = Matrix(rows: 1, columns: features, repeating: 0)
        self.runningVariance = Matrix(rows: 1, columns: features, repeating: 1)
        self.affine = FeatureAffine(features: features, isEnabled: affine)
    }

    /// A batch-normalization layer with the lecture notes' (and Keras's)
    /// averaging factor α: running ← α·running + (1 − α)·batch, so α = 1 − momentum.
    ///
    /// - Parameters:
    ///   - features: the number of features (columns), ≥ 1.
    ///   - averagingFactor: α in [0, 1], the weight kept by the old average
    ///     (0.9 matches PyTorch's default momentum 0.1; Keras's default is 0.99).
    ///   - epsilon: ε > 0 added to the variance (default 1e−5).
    ///   - affine: whether to learn γ and β (default `true`).
    public init(features: Int, averagingFactor: Double, epsilon: Double = 1e-5, affine: Bool = true) {
        precondition(
            averagingFactor >= 0 && averagingFactor <= 1, "BatchNorm averagingFactor α must be in [0, 1], got \(averagingFactor)")
        self.init(features: features, momentum: 1 - averagingFactor, epsilon: epsilon, affine: affine)
    }

    // MARK: - Freezing

    /// Freezes the layer for transfer learning: from now on it normalizes with
    /// its running statistics and leaves them unchanged, in training mode too.
    /// γ and β remain trainable.
    public mutating func freeze() { isFrozen = true }

    /// Undoes ``freeze()``: training mode uses and updates batch statistics again.
    public mutating func unfreeze() { isFrozen = false }

    // MARK: - Forward pass

    /// Normalizes `input` (batch × features) with batch statistics in training
    /// mode (updating the running statistics), with the running statistics in
    /// inference mode or when frozen.
    ///
    /// - Precondition: `input` has ``features`` columns; in training mode (not
    ///   frozen) it has at least 2 rows, since the unbiased variance of one
    ///   example is undefined (PyTorch raises "Expected more than 1 value per
    ///   channel when training").
    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        precondition(
            input.columns == features, "BatchNorm expects \(features) features per example, got \(input.shapeDescription)")
        guard mode == .training, !isFrozen else { return normalizedWithRunningStatistics(input) }
        precondition(
            input.rows >= 2,
            "BatchNorm in training mode needs at least 2 examples per batch to estimate a variance, "
                + "got \(input.shapeDescription); use a larger batch, or inference mode or freeze() for single examples")
        let (normalized, mean, variance) = input.normalizedWithStatistics(alongAxis: 0, epsilon: Scalar(epsilon))
        updateRunningStatistics(batchMean: mean.value, biasedVariance: variance.value, batchSize: input.rows)
        return affine.apply(to: normalized)
    }

    /// y = (x − running_mean)·a + β with a = γ/√(running_var + ε): the
    /// inference map, differentiable in x, γ and β. When nothing is
    /// recorded (``withoutGradients(_:)``, as in `predict`) it runs as one fused
    /// loop (3–20× faster, see `tapeIsIdle`).
    private func normalizedWithRunningStatistics(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let e = Scalar(epsilon)
        if tapeIsIdle(input, affine.weight, affine.bias) {
            return Tensor(
                input.value.columnsNormalized(
                    mean: runningMean, variance: runningVariance, epsilon: e, weight: affine.weight?.value,
                    bias: affine.bias?.value))
        }
        let inverseStandardDeviation = runningVariance.map { 1 / ($0 + e).squareRoot() }
        let mean = Tensor(runningMean)
        guard let weight = affine.weight, let bias = affine.bias else {
            return (input - mean) * Tensor(inverseStandardDeviation)
        }
        return (input - mean) * (weight * Tensor(inverseStandardDeviation)) + bias
    }

    /// The exponential (or cumulative) moving average of the batch mean and the
    /// unbiased batch variance.
    private mutating func updateRunningStatistics(batchMean: Matrix<Scalar>, biasedVariance: Matrix<Scalar>, batchSize m: Int) {
        batchesTracked += 1
        let factor = Scalar(momentum ?? 1 / Double(batchesTracked))
        let keep = 1 - factor
        let correction = Scalar(m) / Scalar(m - 1)
        runningMean = runningMean.combined(with: batchMean) { keep * $0 + factor * $1 }
        runningVariance = runningVariance.combined(with: biasedVariance) { keep * $0 + factor * (correction * $1) }
    }

    // MARK: - Parameters and state

    /// γ and β are vectors in PyTorch: both are written as 1-D tensors.
    public var vectorParameterNames: Set<String> { Set(namedParameters.map(\.name)) }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { affine.namedParameters }
        set { affine.setNamedParameters(newValue, in: "BatchNorm") }
    }

    /// `running_mean`, `running_var` (1×features) and `num_batches_tracked` (1×1).
    ///
    /// Setting it checks names and sizes (a programming error traps); the
    /// values are taken as they are, since they may come from a checkpoint,
    /// whose loader checks that they are finite. A count that is not a
    /// non-negative whole number is read as the nearest one (0 if negative).
    public var namedState: [(name: String, value: Matrix<Scalar>)] {
        get {
            [
                ("running_mean", runningMean), ("running_var", runningVariance),
                ("num_batches_tracked", Matrix(rows: 1, columns: 1, repeating: Scalar(batchesTracked))),
            ]
        }
        set {
            let names = newValue.map(\.name)
            precondition(
                names == ["running_mean", "running_var", "num_batches_tracked"],
                "BatchNorm state is running_mean, running_var, num_batches_tracked; got \(names)")
            for (entry, size) in zip(newValue, [features, features, 1]) {
                precondition(
                    entry.value.count == size,
                    "BatchNorm.\(entry.name): \(size) values expected, got \(entry.value.shapeDescription)")
            }
            runningMean = newValue[0].value.reshaped(rows: 1, columns: features)
            runningVariance = newValue[1].value.reshaped(rows: 1, columns: features)
            batchesTracked = Swift.max(0, Int(exactly: newValue[2].value.elements[0].rounded()) ?? 0)
        }
    }
}
