// SymmetricEigen: eigenvalues and eigenvectors of a real symmetric matrix.
//
// Design note. Goals, in order: exact LAPACK results, no wasted work, clear
// errors. The whole spectrum uses divide and conquer (`syevd`), the fastest
// LAPACK driver for all eigenpairs. A selection (top-k, bottom-k, an index or
// value range) uses `syevr` (MRRR), which computes only the selected pairs.
// A symmetric matrix equals its transpose, so our row-major buffer is passed to
// LAPACKE as column-major: no transposition of the input, and LAPACK's
// column-major eigenvector matrix read row-major is Vᵀ, transposed once here.
// Sources: Anderson et al., LAPACK Users' Guide, §2.3.4; Dhillon & Parlett 2004 (MRRR).

/// The eigen-decomposition `A = V·diag(λ)·Vᵀ` of a real symmetric matrix,
/// or the selected part of it.
///
/// ```swift
/// let eigen = try SymmetricEigen(of: hessian)                    // all pairs
/// let top = try SymmetricEigen(of: hessian, selecting: .largest(5))
/// let κ = eigen.values.last! / eigen.values.first!
/// ```
public struct SymmetricEigen<Scalar: BLASScalar>: Sendable {
    /// The eigenvalues in ascending order.
    public let values: [Scalar]
    /// The orthonormal eigenvectors as columns (n×m): column j belongs to
    /// `values[j]`; `nil` when vectors were not requested.
    public let vectors: Matrix<Scalar>?

    /// Which eigenpairs to compute.
    public enum Selection: Sendable, Equatable {
        /// All n eigenpairs (`syevd`).
        case all
        /// The k largest eigenvalues (`syevr`), still returned in ascending order.
        case largest(Int)
        /// The k smallest eigenvalues (`syevr`).
        case smallest(Int)
        /// Eigenvalues number `range` in ascending order, counting from 0 (`syevr`).
        case indices(ClosedRange<Int>)
        /// Eigenvalues λ with `lower < λ ≤ upper` (`syevr`; LAPACK's half-open interval).
        case values(lower: Scalar, upper: Scalar)
    }

    /// Decomposes a real symmetric matrix.
    ///
    /// - Parameters:
    ///   - a: an n×n symmetric matrix (its upper triangle is what LAPACK reads).
    ///   - selection: which eigenpairs, ``Selection/all`` by default.
    ///   - computeVectors: whether to compute eigenvectors (values alone are faster).
    ///   - symmetryTolerance: largest accepted `|aᵢⱼ − aⱼᵢ|` relative to `max|aᵢⱼ|`;
    ///     default √ε (1.5e-8 for `Double`, 3.5e-4 for `Float`).
    /// - Throws: ``LinalgError/notSquare(routine:rows:columns:)``,
    ///   ``LinalgError/nonFinite(routine:row:column:value:)`` naming the first NaN/∞,
    ///   ``LinalgError/notSymmetric(routine:row:column:difference:tolerance:)`` naming the worst pair,
    ///   ``LinalgError/didNotConverge(routine:info:)`` if LAPACK fails.
    /// - Precondition: a `.largest`/`.smallest` count or `.indices` range lies within 0…n.
    /// - Complexity: O(n³) for all pairs; O(n³) reduction plus O(n·k) for k selected pairs.
    @specialized(where Scalar == Double)
    @specialized(where Scalar == Float)
    public init(
        of a: Matrix<Scalar>, selecting selection: Selection = .all,
        computeVectors: Bool = true, symmetryTolerance: Scalar? = nil
    ) throws(LinalgError) {
        let range = selection.lapackRange(count: a.rows)
        let routine = routineName(range.option == "A" ? "syevd" : "syevr", Scalar.self)
        try a.requireSymmetric(routine, tolerance: symmetryTolerance)
        if range.isEmpty {
            self.init(values: [], vectors: computeVectors ? Matrix(rows: a.rows, columns: 0) : nil)
        } else if range.option == "A" {
            self = try Self.all(a, computeVectors: computeVectors, routine: routine)
        } else {
            self = try Self.selected(a, range: range, computeVectors: computeVectors, routine: routine)
        }
    }

    /// The stored values, for the LAPACK drivers and the tridiagonal solver.
    init(values: [Scalar], vectors: Matrix<Scalar>?) {
        self.values = values
        self.vectors = vectors
    }

    // MARK: - Derived quantities

    /// λmax / λmin of the computed eigenvalues (∞ when λmin = 0; negative or
    /// meaningless for indefinite matrices — see ``absoluteConditionNumber``).
    public var conditionNumber: Scalar {
        guard let first = values.first, let last = values.last else { return .nan }
        return last / first
    }

    /// max|λ| / min|λ|, the condition number of a possibly indefinite symmetric matrix.
    public var absoluteConditionNumber: Scalar {
        let magnitudes = values.map { abs($0) }
        guard let largest = magnitudes.max(), let smallest = magnitudes.min() else { return .nan }
        return largest / smallest
    }

    // MARK: - LAPACK drivers

    /// All eigenpairs with divide and conquer.
    private static func all(_ a: Matrix<Scalar>, computeVectors: Bool, routine: String) throws(LinalgError) -> Self {
        let n = a.rows
        if n == 0 { return Self(values: [], vectors: computeVectors ? Matrix(rows: 0, columns: 0) : nil) }
        var work = a.elements
        var values = [Scalar](repeating: 0, count: n)
        let info = work.withUnsafeMutableBufferPointer { pa in
            values.withUnsafeMutableBufferPointer { pw in
                Scalar.routines.syevd(
                    lapackColumnMajor, lapackOption(computeVectors ? "V" : "N"), lapackOption("L"),
                    lapackInt(n), pa.baseAddress, lapackInt(n), pw.baseAddress)
            }
        }
        try checkLAPACK(info, routine: routine, arguments: ["layout", "jobz", "uplo", "n", "a", "lda", "w"]) {
            .didNotConverge(routine: routine, info: $0)
        }
        if computeVectors { work.withUnsafeMutableBufferPointer { transposeSquareInPlace($0, order: n) } }
        let vectors = computeVectors ? Matrix(rows: n, columns: n, elements: work) : nil
        return Self(values: values, vectors: vectors)
    }

    /// Selected eigenpairs with MRRR.
    private static func selected(
        _ a: Matrix<Scalar>, range: LAPACKRange<Scalar>, computeVectors: Bool,
        routine: String
    ) throws(LinalgError) -> Self {
        let n = a.rows
        if n == 0 { return Self(values: [], vectors: computeVectors ? Matrix(rows: 0, columns: 0) : nil) }
        var work = a.elements
        var values = [Scalar](repeating: 0, count: n)
        let capacity = computeVectors ? n : 1
        var z = [Scalar](repeating: 0, count: n * capacity)
        var support = [Int32](repeating: 0, count: 2 * n)
        var found: Int32 = 0
        let info = work.withUnsafeMutableBufferPointer { pa in
            values.withUnsafeMutableBufferPointer { pw in
                z.withUnsafeMutableBufferPointer { pz in
                    support.withUnsafeMutableBufferPointer { ps in
                        Scalar.routines.syevr(
                            lapackColumnMajor, lapackOption(computeVectors ? "V" : "N"), lapackOption(range.option),
                            lapackOption("L"), lapackInt(n), pa.baseAddress, lapackInt(n),
                            range.lower, range.upper, range.first, range.last,
                            Scalar.leastNormalMagnitude, &found, pw.baseAddress, pz.baseAddress,
                            lapackInt(capacity), ps.baseAddress)
                    }
                }
            }
        }
        try checkLAPACK(
            info, routine: routine,
            arguments: [
                "layout", "jobz", "range", "uplo", "n", "a", "lda", "vl", "vu", "il", "iu", "abstol", "m", "w", "z", "ldz",
                "isuppz",
            ]
        ) { .didNotConverge(routine: routine, info: $0) }
        let m = Int(found)
        var vectors: Matrix<Scalar>? = nil
        if computeVectors {
            // Column-major n×m read row-major is the m×n matrix whose rows are the vectors.
            vectors = Matrix(rows: m, columns: n, elements: Array(z[0..<m * n])).transposed()
        }
        return Self(values: Array(values[0..<m]), vectors: vectors)
    }
}

/// Transposes an n×n matrix in place, tile by tile so both the row and the column reads stay in cache.
func transposeSquareInPlace<Scalar>(_ a: UnsafeMutableBufferPointer<Scalar>, order n: Int) {
    forEachUpperTriangleTileRow(order: n) { i, columns in
        for j in columns { a.swapAt(i * n + j, j * n + i) }
    }
}

// MARK: - Selections as LAPACK ranges

/// A ``SymmetricEigen/Selection`` in LAPACK's terms: `RANGE` = "A" (all), "I"
/// (indices `first…last`, counting from 1) or "V" (values in `(lower, upper]`).
struct LAPACKRange<Scalar: BLASScalar> {
    var option: Unicode.Scalar
    var lower: Scalar = 0
    var upper: Scalar = 0
    var first: Int32 = 0
    var last: Int32 = 0
    /// Nothing can be selected (k = 0, or an empty value interval); LAPACK must not be called.
    var isEmpty = false
}

extension SymmetricEigen.Selection {
    /// This selection for a matrix with `n` eigenvalues.
    /// - Precondition: counts and indices lie within 0…n; a value interval has lower ≤ upper, neither NaN.
    func lapackRange(count n: Int) -> LAPACKRange<Scalar> {
        func indices(_ range: ClosedRange<Int>) -> LAPACKRange<Scalar> {
            LAPACKRange(option: "I", first: lapackInt(range.lowerBound + 1), last: lapackInt(range.upperBound + 1))
        }
        switch self {
        case .all:
            return LAPACKRange(option: "A", isEmpty: n == 0)
        case let .largest(k):
            precondition(k >= 0 && k <= n, "largest(\(k)) needs 0 ≤ k ≤ \(n), the number of eigenvalues")
            return k == 0 ? LAPACKRange(option: "I", isEmpty: true) : indices((n - k)...(n - 1))
        case let .smallest(k):
            precondition(k >= 0 && k <= n, "smallest(\(k)) needs 0 ≤ k ≤ \(n), the number of eigenvalues")
            return k == 0 ? LAPACKRange(option: "I", isEmpty: true) : indices(0...(k - 1))
        case let .indices(range):
            precondition(range.lowerBound >= 0 && range.upperBound < n, "Eigenvalue indices \(range) are outside 0…\(n - 1)")
            return indices(range)
        case let .values(lower, upper):
            precondition(
                !lower.isNaN && !upper.isNaN && lower <= upper,
                "values(lower: \(lower), upper: \(upper)) is not an interval; need lower ≤ upper, neither NaN")
            // LAPACK rejects lower = upper as an illegal argument; (a, a] is empty anyway.
            return LAPACKRange(option: "V", lower: lower, upper: upper, isEmpty: n == 0 || lower == upper)
        }
    }
}
