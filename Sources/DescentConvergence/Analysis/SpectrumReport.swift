// SpectrumReport: what the eigenvalues of a symmetric matrix say — its
// magnitudes, condition number, definiteness — and what they mean for
// gradient descent and momentum on the quadratic it defines.
//
// Design note. Goals, in order: (1) never state something the computed
// eigenvalues do not establish; (2) never divide by a rounding-level zero;
// (3) reuse `ConvergenceTheory` for every rate. A report may be built from the
// whole spectrum or from its ends only (the k smallest and/or k largest, as
// `syevr` computes them without the full decomposition); each derived field is
// then filled only when the known ends determine it, and is `nil` ("unknown")
// otherwise. For instance, the number of negative eigenvalues is known from
// the smallest ones exactly when the list reaches a value ≥ −τ, and κ on |λ|
// needs both ends. "Zero" means |λ| ≤ τ = n·ε·max|λ| (ε = 2.2e-16), the
// threshold LAPACK users apply to rank decisions (Golub & Van Loan §5.4.1,
// numpy.linalg.matrix_rank): a backward-stable eigensolver only guarantees
// eigenvalues to about that absolute accuracy, so anything smaller is noise.

/// The eigen-analysis of a real symmetric n×n matrix H, read as optimization
/// theory for E(w) = ½ wᵀHw.
///
/// ```swift
/// let eigen = try SymmetricEigen(of: hessian, computeVectors: false)
/// let report = try SpectrumReport(eigenvalues: eigen.values.map(Double.init))
/// report.conditionNumber            // κ on |λ| (∞ when singular)
/// report.definiteness               // .positiveDefinite, .indefinite, …
/// report.optimization.methods       // GD at 1/L and 2/(L+μ), Polyak, Nesterov: rates, iterations to 1e-6
/// ```
public struct SpectrumReport: Sendable, Hashable, Codable {
    /// n, the order of the matrix.
    public var dimension: Int
    /// The computed eigenvalues, ascending: all n, or the smallest ones followed by the largest ones.
    public var eigenvalues: [Double]
    /// How many of the smallest eigenvalues were computed (n for the whole spectrum).
    public var smallestComputed: Int
    /// How many of the largest eigenvalues were computed (n for the whole spectrum).
    public var largestComputed: Int
    /// τ = n·ε·max|λ| (ε = `Double.ulpOfOne`): eigenvalues with |λ| ≤ τ count as zero.
    /// Computed from the largest known |λ| when only one end of the spectrum is known.
    public var zeroTolerance: Double
    /// max|λ|, or `nil` when it is not known (only one end computed).
    public var largestMagnitude: Double?
    /// min|λ|, or `nil` when the computed eigenvalues do not reach the one nearest zero.
    public var smallestMagnitude: Double?
    /// κ = max|λ| / min|λ| (∞ when an eigenvalue is zero within τ), or `nil` when unknown.
    public var conditionNumber: Double?
    /// The sign pattern of the spectrum.
    public var definiteness: Definiteness
    /// How many eigenvalues are positive (> τ), zero (|λ| ≤ τ) and negative (< −τ); each `nil` when unknown.
    public var inertia: Inertia
    /// The largest stable step, optimal steps, rates and iteration counts of first-order methods.
    public var optimization: OptimizationImplications

    /// Whether every eigenvalue was computed.
    public var isComplete: Bool { eigenvalues.count == dimension }

    /// The sign pattern of a symmetric matrix's eigenvalues (with |λ| ≤ τ counted as zero).
    public enum Definiteness: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// Every λ > τ: a unique minimum.
        case positiveDefinite = "positive definite"
        /// Every λ ≥ −τ and at least one |λ| ≤ τ: a valley of minima (singular).
        case positiveSemidefinite = "positive semidefinite"
        /// Every λ < −τ.
        case negativeDefinite = "negative definite"
        /// Every λ ≤ τ, at least one |λ| ≤ τ, at least one λ < −τ.
        case negativeSemidefinite = "negative semidefinite"
        /// Some λ > τ and some λ < −τ: a saddle.
        case indefinite
        /// The computed eigenvalues do not decide it (only the largest ones were computed).
        case unknown

        public var description: String { rawValue }
    }

    /// Sylvester's inertia: the numbers of positive, zero and negative eigenvalues.
    public struct Inertia: Sendable, Hashable, Codable {
        /// How many λ > τ (`nil`: not determined by the computed eigenvalues).
        public var positive: Int?
        /// How many |λ| ≤ τ.
        public var zero: Int?
        /// How many λ < −τ.
        public var negative: Int?

        /// Counts of positive, zero and negative eigenvalues (`nil` where unknown).
        public init(positive: Int?, zero: Int?, negative: Int?) {
            self.positive = positive
            self.zero = zero
            self.negative = negative
        }
    }

    // MARK: - Building

    /// The report of a whole spectrum.
    /// - Parameters:
    ///   - eigenvalues: all n eigenvalues of a symmetric matrix, in any order.
    ///   - tolerance: the relative error ε the iteration counts aim for (1e-6 by default).
    /// - Throws: `ConvergenceError.invalidProblem` for an empty list or a NaN/∞ eigenvalue.
    public init(eigenvalues: [Double], tolerance: Double = 1e-6) throws(ConvergenceError) {
        let sorted = eigenvalues.sorted()
        try self.init(dimension: sorted.count, smallest: sorted, largest: sorted, tolerance: tolerance)
    }

    /// The report of the ends of a spectrum: its k₁ smallest and k₂ largest eigenvalues.
    ///
    /// When k₁ + k₂ ≥ n the two lists together are the whole spectrum.
    /// - Parameters:
    ///   - dimension: n, the order of the matrix.
    ///   - smallest: the k₁ smallest eigenvalues (k₁ ≥ 0), ascending.
    ///   - largest: the k₂ largest eigenvalues (k₂ ≥ 0), ascending.
    ///   - tolerance: the relative error the iteration counts aim for.
    /// - Throws: `ConvergenceError.invalidProblem` when n < 1, nothing is given, a list
    ///   is longer than n or not ascending, or an eigenvalue is NaN or ±∞.
    public init(
        dimension: Int, smallest: [Double], largest: [Double], tolerance: Double = 1e-6
    ) throws(ConvergenceError) {
        guard dimension >= 1 else { throw .invalidProblem("a spectrum needs a matrix of order at least 1") }
        guard !smallest.isEmpty || !largest.isEmpty else { throw .invalidProblem("no eigenvalues were given") }
        guard smallest.count <= dimension, largest.count <= dimension else {
            throw .invalidProblem("more eigenvalues (\(max(smallest.count, largest.count))) than the order \(dimension)")
        }
        if let bad = (smallest + largest).first(where: { !$0.isFinite }) {
            throw .invalidProblem("eigenvalue \(bad) is not finite")
        }
        guard smallest == smallest.sorted(), largest == largest.sorted() else {
            throw .invalidProblem("the eigenvalues must be given in ascending order")
        }
        let known = Ends(dimension: dimension, smallest: smallest, largest: largest)
        self.dimension = dimension
        self.eigenvalues = known.values
        self.smallestComputed = known.smallest.count
        self.largestComputed = known.largest.count
        self.zeroTolerance = known.zeroTolerance
        self.largestMagnitude = known.largestMagnitude
        self.smallestMagnitude = known.smallestMagnitude
        self.inertia = known.inertia
        self.definiteness = Self.definiteness(of: inertia, known: known)
        if let largest = largestMagnitude, let smallest = smallestMagnitude {
            conditionNumber = smallest <= zeroTolerance ? .infinity : largest / smallest
        } else if largestMagnitude != nil, (inertia.zero ?? 0) > 0 {
            conditionNumber = .infinity
        } else {
            conditionNumber = nil
        }
        self.optimization = OptimizationImplications(
            known: known, definiteness: definiteness, inertia: inertia, tolerance: tolerance)
    }

    /// The definiteness that the inertia (and the known values) establish.
    private static func definiteness(of inertia: Inertia, known: Ends) -> Definiteness {
        let n = known.dimension
        let τ = known.zeroTolerance
        let someNegative = (inertia.negative ?? 0) > 0 || known.values.contains { $0 < -τ }
        let somePositive = (inertia.positive ?? 0) > 0 || known.values.contains { $0 > τ }
        if inertia.positive == n { return .positiveDefinite }
        if inertia.negative == n { return .negativeDefinite }
        if someNegative && somePositive { return .indefinite }
        if inertia.negative == 0 && (inertia.zero ?? 1) > 0 && known.values.contains(where: { abs($0) <= τ }) {
            return .positiveSemidefinite
        }
        if inertia.positive == 0 && someNegative && known.values.contains(where: { abs($0) <= τ }) {
            return .negativeSemidefinite
        }
        return .unknown
    }
}

// MARK: - What the known ends establish

/// The computed ends of a spectrum and the facts they determine.
struct Ends {
    let dimension: Int
    /// The smallest eigenvalues, ascending (all of them for a whole spectrum).
    let smallest: [Double]
    /// The largest eigenvalues, ascending (all of them for a whole spectrum).
    let largest: [Double]

    init(dimension: Int, smallest: [Double], largest: [Double]) {
        self.dimension = dimension
        if smallest.count + largest.count >= dimension {
            // Together they cover the spectrum: merge into one complete list.
            let all = smallest + largest.suffix(dimension - smallest.count)
            (self.smallest, self.largest) = (all, all)
        } else {
            (self.smallest, self.largest) = (smallest, largest)
        }
    }

    var isComplete: Bool { smallest.count == dimension }

    /// The distinct computed values, ascending.
    var values: [Double] { isComplete ? smallest : smallest + largest }

    /// τ = n·ε·max|known λ|.
    var zeroTolerance: Double {
        Double(dimension) * Double.ulpOfOne * (values.map { abs($0) }.max() ?? 0)
    }

    /// max|λ| = max(|λ₁|, |λₙ|): known when both ends are.
    var largestMagnitude: Double? {
        guard let first = smallest.first, let last = largest.last else { return nil }
        return max(abs(first), abs(last))
    }

    /// min|λ|: known when the computed smallest reach a value ≥ 0 (the ones after are larger),
    /// or the computed largest reach a value ≤ 0 (the ones before are more negative).
    var smallestMagnitude: Double? {
        if let last = smallest.last, last >= 0 { return smallest.map { abs($0) }.min() }
        if let first = largest.first, first <= 0 { return largest.map { abs($0) }.min() }
        return nil
    }

    /// Counts of λ > τ, |λ| ≤ τ and λ < −τ, where the known values settle them.
    var inertia: SpectrumReport.Inertia {
        let n = dimension
        let τ = zeroTolerance
        var negative: Int? = nil
        if let last = smallest.last, last >= -τ {
            negative = smallest.count { $0 < -τ }
        } else if let first = largest.first, first < -τ {
            negative = n - largest.count { $0 >= -τ }
        }
        var positive: Int? = nil
        if let first = largest.first, first <= τ {
            positive = largest.count { $0 > τ }
        } else if let last = smallest.last, last > τ {
            positive = n - smallest.count { $0 <= τ }
        }
        let zero = negative.flatMap { negative in positive.map { n - negative - $0 } }
        return SpectrumReport.Inertia(positive: positive, zero: zero, negative: negative)
    }

    /// The smallest known eigenvalue > τ, when it is known to be the smallest such in the whole spectrum.
    var smallestPositive: Double? {
        if let value = smallest.first(where: { $0 > zeroTolerance }) { return value }
        if let first = largest.first, first <= zeroTolerance { return largest.first { $0 > zeroTolerance } }
        return nil
    }
}
