// Initializers: the random (or constant) starting values of weights and biases.
//
// Design note. Goals, in order: (1) each scheme draws from exactly the
// distribution its paper states, with the variance written in its doc comment
// and checked by the tests; (2) every draw comes from a caller's seedable
// generator, so the same seed gives the same network; (3) one value type reads
// well at the call site: `Dense(inputs: 64, outputs: 10, weightInitializer: .heNormal)`.
//
// Shape convention (PyTorch's `nn.Linear`): a dense layer's weight matrix is
// outputs × inputs, so fan_in = columns and fan_out = rows; a bias is a column
// vector (fan_out × 1), whose fan_in is therefore 1.
//
// Every variance-preserving scheme is a zero-mean distribution whose spread is
// √(c / fan) for a constant c and a fan (fan_in, fan_out or their sum); a
// uniform U[−b, b] has variance b²/3. Sources: LeCun, Bottou, Orr & Müller,
// "Efficient BackProp" (1998); Glorot & Bengio, AISTATS 2010; He, Zhang, Ren &
// Sun, ICCV 2015; Saxe, McClelland & Ganguli, ICLR 2014; Martens, ICML 2010.
// THEORY.md §10 derives the variances; §14 lists where the lecture notes differ.

/// How to fill a new weight or bias matrix: a constant, or independent draws
/// from a distribution whose spread may depend on the matrix's fans.
///
/// Weights are outputs × inputs, so **fan_in = columns** and **fan_out = rows**.
///
/// ```swift
/// var generator = Xoshiro256StarStar(seed: 42)
/// let w: Matrix<Float> = try Initializer.heNormal.matrix(rows: 10, columns: 64, using: &generator)
/// let b: Matrix<Float> = try Initializer.zeros.matrix(rows: 10, columns: 1, using: &generator)
/// ```
public struct Initializer: Sendable, Equatable, CustomStringConvertible {
    /// Which fan a scheme that preserves the variance in one direction divides by.
    public enum FanMode: String, Sendable, Equatable, CaseIterable {
        /// fan_in (columns): preserves the variance of the activations in the forward pass.
        case fanIn
        /// fan_out (rows): preserves the variance of the gradients in the backward pass.
        case fanOut
    }

    /// The spread √(numerator / fan) of a fan-scaled distribution, or a fixed value.
    enum Scale: Sendable, Equatable {
        case fixed(Double)
        case fanIn(numerator: Double)
        case fanOut(numerator: Double)
        /// √(numerator / (fan_in + fan_out)).
        case fanSum(numerator: Double)

        init(numerator: Double, mode: FanMode) {
            self = mode == .fanIn ? .fanIn(numerator: numerator) : .fanOut(numerator: numerator)
        }

        func value(rows: Int, columns: Int) -> Double {
            switch self {
            case .fixed(let value): value
            case .fanIn(let numerator): (numerator / Double(columns)).squareRoot()
            case .fanOut(let numerator): (numerator / Double(rows)).squareRoot()
            case .fanSum(let numerator): (numerator / Double(rows + columns)).squareRoot()
            }
        }
    }

    enum Rule: Sendable, Equatable {
        case constant(Double)
        /// U[−bound, bound].
        case uniform(bound: Scale)
        /// 𝒩(0, standardDeviation²).
        case normal(standardDeviation: Scale)
        case orthogonal(gain: Double)
        case sparse(nonZerosPerRow: Int, standardDeviation: Double)
    }

    let rule: Rule
    /// How the initializer is spelled at a call site, e.g. `heNormal(mode: .fanIn, negativeSlope: 0.0)`.
    public let description: String

    init(_ rule: Rule, _ description: String) {
        self.rule = rule
        self.description = description
    }

    // MARK: - Constants and fixed distributions

    /// Every element 0. The usual choice for biases; for weights it leaves
    /// every unit of a layer computing the same function (no symmetry breaking).
    public static let zeros = Initializer(.constant(0), "zeros")

    /// Every element equal to `value`.
    /// - Precondition: `value` is finite.
    public static func constant(_ value: Double) -> Initializer {
        precondition(value.isFinite, "Initializer.constant(\(value)): the value must be finite")
        return Initializer(.constant(value), "constant(\(value))")
    }

    /// Independent draws from U[−bound, bound]: mean 0, variance bound²/3, whatever the shape.
    /// - Precondition: `bound` is finite and ≥ 0.
    public static func uniform(bound: Double) -> Initializer {
        precondition(bound.isFinite && bound >= 0, "Initializer.uniform(bound: \(bound)): the bound must be finite and ≥ 0")
        return Initializer(.uniform(bound: .fixed(bound)), "uniform(bound: \(bound))")
    }

    /// Independent draws from 𝒩(0, standardDeviation²), whatever the shape.
    /// - Precondition: `standardDeviation` is finite and ≥ 0.
    public static func normal(standardDeviation: Double) -> Initializer {
        precondition(
            standardDeviation.isFinite && standardDeviation >= 0,
            "Initializer.normal(standardDeviation: \(standardDeviation)): the standard deviation must be finite and ≥ 0")
        return Initializer(
            .normal(standardDeviation: .fixed(standardDeviation)), "normal(standardDeviation: \(standardDeviation))")
    }

    // MARK: - LeCun

    /// LeCun normal: W ~ 𝒩(0, 1/fan_in), so Var(W) = 1/fan_in.
    ///
    /// With unit-variance inputs each pre-activation a = Σⱼ wⱼ xⱼ then has unit
    /// variance: the forward condition fan_in·Var(W) = 1 for an activation that
    /// is linear near 0.
    ///
    /// The notes (S1, "Xavier Initialization: W ~ N(0, 1/m)") call this Xavier;
    /// it is LeCun's. Glorot's is ``glorotNormal(gain:)`` (THEORY.md §14, S1.8).
    ///
    /// References: LeCun, Bottou, Orr & Müller, "Efficient BackProp", in Neural
    /// Networks: Tricks of the Trade (1998), §4.6.
    public static let lecunNormal = Initializer(.normal(standardDeviation: .fanIn(numerator: 1)), "lecunNormal")

    /// LeCun uniform: W ~ U[−√(3/fan_in), √(3/fan_in)], so Var(W) = 1/fan_in as for ``lecunNormal``.
    ///
    /// References: LeCun, Bottou, Orr & Müller, "Efficient BackProp" (1998), §4.6.
    public static let lecunUniform = Initializer(.uniform(bound: .fanIn(numerator: 3)), "lecunUniform")

    // MARK: - Glorot (Xavier)

    /// Glorot (Xavier) uniform: W ~ U[−a, a] with a = gain·√6/√(fan_in + fan_out),
    /// so Var(W) = gain²·2/(fan_in + fan_out).
    ///
    /// The compromise between the forward condition fan_in·Var(W) = 1 and the
    /// backward condition fan_out·Var(W) = 1 for tanh-like activations
    /// (f′(0) = 1). Example: fan_in = fan_out = 256 gives a = 0.1082531755 and
    /// Var(W) = 0.00390625 (THEORY.md §10). PyTorch: `xavier_uniform_`.
    ///
    /// The notes (S0) write the "normalized Xavier" bound as 6/√(N+M); the paper's
    /// is √6/√(N+M), and 6/√(N+M) draws weights √6 ≈ 2.45 times too large
    /// (THEORY.md §14, S0.9). Their "Xavier ε = 1/√M" is ``pytorchLinearDefault``.
    ///
    /// - Parameter gain: multiplies the bound (PyTorch's `calculate_gain`, e.g. 5/3 for tanh); finite.
    /// References: Glorot & Bengio, "Understanding the difficulty of training deep
    /// feedforward neural networks", AISTATS 2010, eq. 16.
    public static func glorotUniform(gain: Double = 1) -> Initializer {
        precondition(gain.isFinite, "Initializer.glorotUniform(gain: \(gain)): the gain must be finite")
        return Initializer(.uniform(bound: .fanSum(numerator: 6 * gain * gain)), "glorotUniform(gain: \(gain))")
    }

    /// ``glorotUniform(gain:)`` with gain 1: U[±√6/√(fan_in + fan_out)], Var(W) = 2/(fan_in + fan_out).
    public static var glorotUniform: Initializer { glorotUniform() }

    /// Glorot (Xavier) normal: W ~ 𝒩(0, gain²·2/(fan_in + fan_out)).
    ///
    /// The same variance as ``glorotUniform(gain:)``. Example: fan_in = 100,
    /// fan_out = 400 gives the standard deviation √(2/500) = 0.0632455532, not the
    /// mean 0.075 of the two one-sided scale factors 1/√100 and 1/√400
    /// (THEORY.md §13 item 21, §14 S3.3). PyTorch: `xavier_normal_`.
    ///
    /// - Parameter gain: multiplies the standard deviation; finite.
    /// References: Glorot & Bengio, AISTATS 2010.
    public static func glorotNormal(gain: Double = 1) -> Initializer {
        precondition(gain.isFinite, "Initializer.glorotNormal(gain: \(gain)): the gain must be finite")
        return Initializer(.normal(standardDeviation: .fanSum(numerator: 2 * gain * gain)), "glorotNormal(gain: \(gain))")
    }

    /// ``glorotNormal(gain:)`` with gain 1: 𝒩(0, 2/(fan_in + fan_out)).
    public static var glorotNormal: Initializer { glorotNormal() }

    // MARK: - He (Kaiming)

    /// He (Kaiming) normal: W ~ 𝒩(0, gain²/fan) with gain² = 2/(1 + a²), where
    /// a is `negativeSlope` and fan is fan_in or fan_out by `mode`.
    ///
    /// For ReLU (a = 0) Var(W) = 2/fan_in: since E[ReLU(a)²] = ½Var(a) for a
    /// symmetric a, ½·fan_in·Var(W) = 1 keeps Var(aˡ) constant across layers.
    /// The fan-out mode keeps the gradients' variance instead. For leaky ReLU
    /// with slope a on the negative side, E[f(a)²] = ½(1 + a²)Var(a). PyTorch:
    /// `kaiming_normal_(a:mode:nonlinearity: "leaky_relu")`.
    ///
    /// The notes (S0) say He "should make the gradient approximatively equal to
    /// 1"; it preserves the activations' (or gradients') *variance*, and
    /// "var = (M/2)ε²λ²" holds for the pre-activation, not the ReLU output
    /// (THEORY.md §14, S0.11).
    ///
    /// - Parameters:
    ///   - mode: ``FanMode/fanIn`` (default) or ``FanMode/fanOut``.
    ///   - negativeSlope: the leaky-ReLU slope a (0 for ReLU); finite.
    /// References: He, Zhang, Ren & Sun, "Delving Deep into Rectifiers", ICCV 2015, eq. 10 and 14.
    public static func heNormal(mode: FanMode = .fanIn, negativeSlope: Double = 0) -> Initializer {
        precondition(negativeSlope.isFinite, "Initializer.heNormal(negativeSlope: \(negativeSlope)): the slope must be finite")
        let numerator = 2 / (1 + negativeSlope * negativeSlope)
        return Initializer(
            .normal(standardDeviation: Scale(numerator: numerator, mode: mode)),
            "heNormal(mode: .\(mode.rawValue), negativeSlope: \(negativeSlope))")
    }

    /// ``heNormal(mode:negativeSlope:)`` for ReLU in fan-in mode: 𝒩(0, 2/fan_in).
    public static var heNormal: Initializer { heNormal() }

    /// He (Kaiming) uniform: W ~ U[−b, b] with b = √3·gain/√fan and gain² = 2/(1 + a²),
    /// so Var(W) = gain²/fan as for ``heNormal(mode:negativeSlope:)``.
    ///
    /// For ReLU in fan-in mode b = √(6/fan_in) and Var(W) = 2/fan_in. With
    /// a = √5 this is ``pytorchLinearDefault`` (how PyTorch writes that default).
    /// PyTorch: `kaiming_uniform_`.
    ///
    /// - Parameters:
    ///   - mode: ``FanMode/fanIn`` (default) or ``FanMode/fanOut``.
    ///   - negativeSlope: the leaky-ReLU slope a (0 for ReLU); finite.
    /// References: He, Zhang, Ren & Sun, ICCV 2015.
    public static func heUniform(mode: FanMode = .fanIn, negativeSlope: Double = 0) -> Initializer {
        precondition(negativeSlope.isFinite, "Initializer.heUniform(negativeSlope: \(negativeSlope)): the slope must be finite")
        let numerator = 6 / (1 + negativeSlope * negativeSlope)
        return Initializer(
            .uniform(bound: Scale(numerator: numerator, mode: mode)),
            "heUniform(mode: .\(mode.rawValue), negativeSlope: \(negativeSlope))")
    }

    /// ``heUniform(mode:negativeSlope:)`` for ReLU in fan-in mode: U[±√(6/fan_in)].
    public static var heUniform: Initializer { heUniform() }

    // MARK: - PyTorch's default

    /// PyTorch's default for `nn.Linear` weights: W ~ U[−1/√fan_in, 1/√fan_in],
    /// so Var(W) = 1/(3·fan_in).
    ///
    /// This is Glorot & Bengio's "standard" heuristic, the baseline they show
    /// shrinking the activations' variance by about 1/3 per layer in the linear
    /// regime (THEORY.md §10); it is what the notes (S0) call "Xavier
    /// initialization, ε = 1/√M" (THEORY.md §14, S0.10). PyTorch writes it as
    /// `kaiming_uniform_(a: √5)`. PyTorch's default *bias* is U[±1/√fan_in] with
    /// the weight's fan_in; for a bias column use `.uniform(bound: 1/√inputs)`,
    /// since this initializer would read the bias's own fan_in (1).
    ///
    /// References: Glorot & Bengio, AISTATS 2010, eq. 1; PyTorch `torch.nn.Linear.reset_parameters`.
    public static let pytorchLinearDefault = Initializer(.uniform(bound: .fanIn(numerator: 1)), "pytorchLinearDefault")

    // MARK: - Orthogonal and sparse

    /// A random matrix with orthonormal columns (rows ≥ columns: WᵀW = gain²·I)
    /// or orthonormal rows (rows < columns: WWᵀ = gain²·I), times `gain`.
    ///
    /// Square matrices are Haar-random (``Matrix/randomOrthogonal(_:using:)``).
    /// A rectangular m×n matrix is distributed as the first n columns (or m rows)
    /// of a Haar-random square one; it is drawn as the sign-fixed thin QR factor
    /// of a max(m, n)×min(m, n) Gaussian matrix, which costs O(max·min²) rather
    /// than the square's O(max³). Each element has mean 0 and variance
    /// gain²/max(rows, columns). PyTorch: `orthogonal_`.
    ///
    /// - Parameter gain: multiplies the matrix; finite.
    /// References: Saxe, McClelland & Ganguli, "Exact solutions to the nonlinear
    /// dynamics of learning in deep linear neural networks", ICLR 2014;
    /// Mezzadri, Notices AMS 54(5), 2007 (the sign fix).
    public static func orthogonal(gain: Double = 1) -> Initializer {
        precondition(gain.isFinite, "Initializer.orthogonal(gain: \(gain)): the gain must be finite")
        return Initializer(.orthogonal(gain: gain), "orthogonal(gain: \(gain))")
    }

    /// ``orthogonal(gain:)`` with gain 1.
    public static var orthogonal: Initializer { orthogonal() }

    /// Sparse: each row (each unit's incoming weights) has exactly `nonZerosPerRow`
    /// non-zero elements, in columns chosen uniformly without replacement, drawn
    /// from 𝒩(0, standardDeviation²); the rest are 0.
    ///
    /// Each element has mean 0 and variance (k/fan_in)·standardDeviation², k = `nonZerosPerRow`.
    /// Martens used k = 15 and unit Gaussian weights, so a unit's input scale does
    /// not depend on the width of the layer below. The notes (S1): "Sparse
    /// variant when m is large: initialize k nonzero weights in each unit".
    ///
    /// PyTorch's `sparse_(tensor, sparsity, std: 0.01)` differs: it zeroes a
    /// *fraction* of each *column* of the out × in matrix, so in PyTorch each
    /// input feeds a fixed number of units while the number of inputs per unit
    /// varies. Here each unit gets exactly k inputs, as in Martens.
    ///
    /// - Parameters:
    ///   - nonZerosPerRow: k ≥ 0; a matrix needs at least k columns.
    ///   - standardDeviation: of the non-zero weights (default 1, Martens's choice); finite and ≥ 0.
    /// References: Martens, "Deep learning via Hessian-free optimization", ICML 2010;
    /// Sutskever, Martens, Dahl & Hinton, "On the importance of initialization and momentum", ICML 2013.
    public static func sparse(nonZerosPerRow: Int, standardDeviation: Double = 1) -> Initializer {
        precondition(nonZerosPerRow >= 0, "Initializer.sparse(nonZerosPerRow: \(nonZerosPerRow)): the count must be ≥ 0")
        precondition(
            standardDeviation.isFinite && standardDeviation >= 0,
            "Initializer.sparse(standardDeviation: \(standardDeviation)): the standard deviation must be finite and ≥ 0")
        return Initializer(
            .sparse(nonZerosPerRow: nonZerosPerRow, standardDeviation: standardDeviation),
            "sparse(nonZerosPerRow: \(nonZerosPerRow), standardDeviation: \(standardDeviation))")
    }
}

// MARK: - Drawing

extension Initializer {
    /// A new rows × columns matrix filled by this initializer.
    ///
    /// For a dense layer's weights pass rows = outputs (fan_out) and
    /// columns = inputs (fan_in); for its bias, rows = outputs and columns = 1.
    /// An empty shape gives an empty matrix and draws nothing.
    ///
    /// - Parameters:
    ///   - rows: fan_out, ≥ 0.
    ///   - columns: fan_in, ≥ 0.
    ///   - generator: the source of every random draw; ``zeros`` and ``constant(_:)`` draw nothing.
    /// - Returns: the matrix; the same generator state always gives the same matrix.
    /// - Throws: ``LinalgError/outOfMemory(routine:)`` from ``orthogonal(gain:)``
    ///   only, when LAPACK cannot allocate its QR workspace. Every other
    ///   initializer never throws.
    /// - Precondition: `rows`, `columns` ≥ 0; for ``sparse(nonZerosPerRow:standardDeviation:)``
    ///   with a non-empty shape, columns ≥ k.
    /// - Complexity: O(rows·columns) draws; ``orthogonal(gain:)`` adds a QR
    ///   factorization, O(max·min²) for max = max(rows, columns), min = min(rows, columns).
    public func matrix<Scalar: BLASScalar, G: RandomNumberGenerator>(
        rows: Int, columns: Int, using generator: inout G
    ) throws(LinalgError) -> Matrix<Scalar> {
        precondition(rows >= 0 && columns >= 0, "\(description): matrix shape \(rows)×\(columns) has a negative dimension")
        if rows == 0 || columns == 0 { return Matrix(rows: rows, columns: columns) }
        if case .sparse(let k, _) = rule {
            precondition(
                k <= columns,
                "\(description) needs at least \(k) columns (inputs) per row, got a \(rows)×\(columns) matrix")
        }
        switch rule {
        case .constant(let value):
            return Matrix(rows: rows, columns: columns, repeating: Scalar(value))
        case .uniform(let scale):
            let bound = Scalar(scale.value(rows: rows, columns: columns))
            return Matrix.randomUniform(rows: rows, columns: columns, in: -bound...bound, using: &generator)
        case .normal(let scale):
            let standardDeviation = Scalar(scale.value(rows: rows, columns: columns))
            return Matrix.randomNormal(rows: rows, columns: columns, standardDeviation: standardDeviation, using: &generator)
        case .orthogonal(let gain):
            return try Self.orthogonal(rows: rows, columns: columns, gain: Scalar(gain), using: &generator)
        case .sparse(let k, let standardDeviation):
            return Self.sparse(
                rows: rows, columns: columns, nonZerosPerRow: k, standardDeviation: Scalar(standardDeviation),
                using: &generator)
        }
    }

    /// The variance of one element of a rows × columns matrix, E[w²] − E[w]²,
    /// from the formula (not from a sample); 0 for ``zeros`` and ``constant(_:)``.
    ///
    /// For example `Initializer.heNormal.variance(rows: 10, columns: 256)` is 2/256.
    /// - Precondition: `rows`, `columns` > 0.
    public func variance(rows: Int, columns: Int) -> Double {
        precondition(rows > 0 && columns > 0, "\(description): variance of a \(rows)×\(columns) matrix is undefined")
        switch rule {
        case .constant: return 0
        case .uniform(let scale):
            let bound = scale.value(rows: rows, columns: columns)
            return bound * bound / 3
        case .normal(let scale):
            let standardDeviation = scale.value(rows: rows, columns: columns)
            return standardDeviation * standardDeviation
        case .orthogonal(let gain):
            return gain * gain / Double(Swift.max(rows, columns))
        case .sparse(let k, let standardDeviation):
            return Double(k) / Double(columns) * standardDeviation * standardDeviation
        }
    }

    /// Orthonormal columns (tall or square) or rows (wide), times `gain`.
    private static func orthogonal<Scalar: BLASScalar, G: RandomNumberGenerator>(
        rows: Int, columns: Int, gain: Scalar, using generator: inout G
    ) throws(LinalgError) -> Matrix<Scalar> {
        if rows == columns {
            let q = try Matrix<Scalar>.randomOrthogonal(rows, using: &generator)
            return gain == 1 ? q : gain * q
        }
        // Thin QR of a long × short Gaussian; fixing the signs so that R has a
        // positive diagonal makes Q the first `short` columns of a Haar matrix.
        let long = Swift.max(rows, columns), short = Swift.min(rows, columns)
        let qr = try QRDecomposition(of: Matrix<Scalar>.randomNormal(rows: long, columns: short, using: &generator))
        let factors = qr.r.diagonal.map { $0 < 0 ? -gain : gain }
        let q = Matrix(rows: long, columns: short) { i, j in qr.q[i, j] * factors[j] }
        return rows > columns ? q : q.transposed()
    }

    /// Exactly k non-zero 𝒩(0, σ²) elements per row, in uniformly chosen distinct columns.
    private static func sparse<Scalar: BLASScalar, G: RandomNumberGenerator>(
        rows: Int, columns: Int, nonZerosPerRow k: Int, standardDeviation: Scalar, using generator: inout G
    ) -> Matrix<Scalar> {
        let values = Matrix<Scalar>.randomNormal(rows: rows, columns: k, standardDeviation: standardDeviation, using: &generator)
        var elements = [Scalar](repeating: 0, count: rows * columns)
        var order = Array(0..<columns)
        for i in 0..<rows {
            // A partial Fisher–Yates shuffle: order[0..<k] becomes a uniform random k-subset.
            for p in 0..<k {
                order.swapAt(p, Int.random(in: p..<columns, using: &generator))
                elements[i * columns + order[p]] = values[i, p]
            }
        }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }
}
