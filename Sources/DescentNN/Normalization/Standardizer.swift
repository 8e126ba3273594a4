// Standardizer: data standardization, fitted once on the training data.

/// Per-feature standardization of the input data (the notes' "data
/// normalization"; LeCun et al. 1998, §4.3): each feature is shifted by its
/// mean and divided by its standard deviation, both measured once on the
/// training data,
///
///     μᵢ = (1/N) Σₙ xₙᵢ,   σᵢ² = (1/N) Σₙ (xₙᵢ − μᵢ)²,   x̃ₙᵢ = (xₙᵢ − μᵢ)/σᵢ,
///
/// and then applied unchanged to validation, test and new data.
///
/// Conventions, those of scikit-learn's `StandardScaler`:
/// - σᵢ is the **population** standard deviation (1/N, not 1/(N − 1)), so the
///   standardized training data has mean 0 and (1/N) variance exactly 1;
/// - a **constant** feature (variance 0, or within rounding of 0:
///   σᵢ² ≤ N·ε·σᵢ² + (N·|μᵢ|·ε)² with ε the `Double` machine epsilon,
///   scikit-learn's test) gets σᵢ = 1 instead of a division by zero, so it
///   standardizes to xₙᵢ − μᵢ, which is 0 on the training data.
/// The statistics are accumulated in `Double` for `Float` data too.
///
/// Why: for a linear unit the Hessian of the squared error is the inputs'
/// second-moment matrix (THEORY.md §8); centring removes the outlier
/// eigenvalue of order ‖μ‖² that a nonzero mean adds, and scaling turns the
/// covariance into the correlation matrix, which usually lowers the condition
/// number κ and so speeds up gradient descent.
///
/// As a ``Layer`` (the first layer of a model) it has no trainable parameters;
/// its statistics are state, named `mean` and `standard_deviation` (1×features,
/// σ after the constant-feature substitution), so they are saved in the
/// model's checkpoint. The layer's ``forward(_:mode:)`` is differentiable in the
/// input and cannot throw: check raw data once with ``standardized(_:)``.
///
/// ```swift
/// let standardizer = try Standardizer(fittedTo: trainingData)
/// let x = try standardizer.standardized(testData)      // or: Sequential([standardizer, …])
/// ```
public struct Standardizer<Scalar: BLASScalar>: Layer {
    /// μ, the 1×features mean of the training data.
    public private(set) var mean: Matrix<Scalar>
    /// σ, the 1×features population standard deviation of the training data,
    /// with 1 for constant features.
    public private(set) var standardDeviation: Matrix<Scalar>

    /// The number of features (columns).
    public var features: Int { mean.columns }

    // MARK: - Creating a standardizer

    /// Fits a standardizer to training data: the per-feature mean and population
    /// standard deviation of its columns.
    ///
    /// - Parameter data: N × features, one example per row, N ≥ 1.
    /// - Throws: ``StandardizerError/emptyData(rows:columns:)`` for no rows or
    ///   columns; ``StandardizerError/nonFinite(row:column:value:)`` naming the
    ///   first NaN or ±∞.
    /// - Complexity: two passes over the data.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public init(fittedTo data: Matrix<Scalar>) throws(StandardizerError) {
        guard data.rows >= 1, data.columns >= 1 else { throw .emptyData(rows: data.rows, columns: data.columns) }
        try Self.requireFinite(data)
        let (n, d) = (data.rows, data.columns)
        let x = data.elements
        var means = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { means[j] += Double(x[i * d + j]) }
        }
        for j in 0..<d { means[j] /= Double(n) }
        var variances = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let deviation = Double(x[i * d + j]) - means[j]
                variances[j] += deviation * deviation
            }
        }
        let epsilon = Double.ulpOfOne
        let deviations = (0..<d).map { j -> Scalar in
            let variance = variances[j] / Double(n)
            let roundingBound = Double(n) * epsilon * variance + (Double(n) * Swift.abs(means[j]) * epsilon).squared
            return variance <= roundingBound ? 1 : Scalar(variance.squareRoot())
        }
        mean = Matrix(row: means.map { Scalar($0) })
        standardDeviation = Matrix(row: deviations)
    }

    /// A standardizer with given statistics (1×features or features×1 each),
    /// e.g. restored from a file.
    /// - Precondition: equal counts; every standard deviation is positive and finite.
    public init(mean: Matrix<Scalar>, standardDeviation: Matrix<Scalar>) {
        precondition(
            mean.count == standardDeviation.count && mean.count >= 1,
            "Standardizer: mean \(mean.shapeDescription) and standard deviation \(standardDeviation.shapeDescription) differ")
        precondition(
            standardDeviation.elements.allSatisfy { $0 > 0 && $0.isFinite },
            "Standardizer: every standard deviation must be positive and finite (use 1 for a constant feature)")
        self.mean = mean.reshaped(rows: 1, columns: mean.count)
        self.standardDeviation = standardDeviation.reshaped(rows: 1, columns: mean.count)
    }

    /// The identity standardizer (μ = 0, σ = 1) for `features` features: the
    /// shape to load a checkpoint's `mean` and `standard_deviation` into.
    public init(features: Int) {
        precondition(features >= 1, "Standardizer needs at least one feature, got \(features)")
        self.init(mean: Matrix(rows: 1, columns: features), standardDeviation: Matrix(rows: 1, columns: features, repeating: 1))
    }

    // MARK: - Applying it

    /// (x − μ)·(1/σ) for every row of `data` (any number of rows, the fitted features).
    /// - Throws: ``StandardizerError/featureCountMismatch(expected:found:)``, or
    ///   ``StandardizerError/nonFinite(row:column:value:)`` naming the first NaN or ±∞.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func standardized(_ data: Matrix<Scalar>) throws(StandardizerError) -> Matrix<Scalar> {
        try requireFeatures(data)
        try Self.requireFinite(data)
        return data.columnsCentered(at: mean.elements, scaledBy: standardDeviation.map { 1 / $0 }.elements, shiftedBy: nil)
    }

    /// x̃·σ + μ for every row of `data`: undoes ``standardized(_:)`` (for
    /// predictions of a standardized target, say).
    /// - Throws: ``StandardizerError/featureCountMismatch(expected:found:)``, or
    ///   ``StandardizerError/nonFinite(row:column:value:)``.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public func unstandardized(_ data: Matrix<Scalar>) throws(StandardizerError) -> Matrix<Scalar> {
        try requireFeatures(data)
        try Self.requireFinite(data)
        return data.columnsCentered(
            at: [Scalar](repeating: 0, count: features), scaledBy: standardDeviation.elements, shiftedBy: mean.elements)
    }

    /// (x − μ)/σ as tensor operations, differentiable in the input (one fused
    /// loop when nothing is recorded); `mode` makes no difference. Does not
    /// check for NaN (see ``standardized(_:)``).
    /// - Precondition: `input` has ``features`` columns.
    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        precondition(
            input.columns == features, "Standardizer expects \(features) features per example, got \(input.shapeDescription)")
        let inverse = standardDeviation.map { 1 / $0 }
        if tapeIsIdle(input) {
            return Tensor(input.value.columnsCentered(at: mean.elements, scaledBy: inverse.elements, shiftedBy: nil))
        }
        return (input - Tensor(mean)) * Tensor(inverse)
    }

    // MARK: - Layer

    /// None: the statistics are fitted, not trained.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { [] }
        set { precondition(newValue.isEmpty, "Standardizer has no trainable parameters") }
    }

    /// `mean` and `standard_deviation`, 1×features each.
    ///
    /// Setting it checks names and sizes (a programming error traps); the
    /// values are taken as they are, since they come from a checkpoint, whose
    /// loader checks that they are finite. A standard deviation of 0 there
    /// would give infinities: a fitted standardizer stores 1 for constant features.
    public var namedState: [(name: String, value: Matrix<Scalar>)] {
        get { [("mean", mean), ("standard_deviation", standardDeviation)] }
        set {
            let names = newValue.map(\.name)
            precondition(names == ["mean", "standard_deviation"], "Standardizer state is mean, standard_deviation; got \(names)")
            precondition(
                newValue.allSatisfy { $0.value.count == features },
                "Standardizer: \(features) values expected for each of mean and standard_deviation")
            mean = newValue[0].value.reshaped(rows: 1, columns: features)
            standardDeviation = newValue[1].value.reshaped(rows: 1, columns: features)
        }
    }

    // MARK: - Checks

    private func requireFeatures(_ data: Matrix<Scalar>) throws(StandardizerError) {
        guard data.columns == features else { throw .featureCountMismatch(expected: features, found: data.columns) }
    }

    private static func requireFinite(_ data: Matrix<Scalar>) throws(StandardizerError) {
        // The vectorized check first; the search for the position only when it fails.
        guard !data.isFinite, let bad = data.firstNonFiniteElement() else { return }
        throw .nonFinite(row: bad.row, column: bad.column, value: Double(bad.value))
    }
}

extension Double {
    fileprivate var squared: Double { self * self }
}
