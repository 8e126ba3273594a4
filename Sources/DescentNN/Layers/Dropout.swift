// Dropout: inverted dropout with its own seeded generator.

/// Inverted dropout (Srivastava et al., JMLR 2014): in training each element
/// is zeroed with probability p and the survivors are scaled by 1/(1 − p), so
/// the expected output equals the input and inference is the identity.
///
/// The layer owns a seeded generator, so the same seed drops the same units on
/// every run; each training pass advances it.
public struct Dropout<Scalar: BLASScalar>: Layer {
    /// The probability p of zeroing an element, in [0, 1).
    public let probability: Double
    /// The seed the layer's generator started from.
    public let seed: UInt64
    private var generator: Xoshiro256StarStar

    /// Dropout with drop probability `probability` and its own generator seeded by `seed`.
    /// - Precondition: 0 ≤ probability < 1.
    public init(probability: Double, seed: UInt64) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.seed = seed
        self.generator = Xoshiro256StarStar(seed: seed)
    }

    public mutating func forward(_ input: Tensor<Scalar>, mode: LayerMode) -> Tensor<Scalar> {
        guard mode == .training, probability > 0 else { return input }
        let keep = Scalar(1 / (1 - probability))
        let mask = Matrix<Scalar>(rows: input.rows, columns: input.columns) { _, _ in
            Double.random(in: 0..<1, using: &generator) < probability ? 0 : keep
        }
        return input * Tensor(mask)
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        get { [] }
        set { precondition(newValue.isEmpty, "Dropout has no parameters") }
    }
}
