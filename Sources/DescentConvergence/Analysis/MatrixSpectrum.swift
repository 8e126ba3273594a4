// MatrixSpectrum: the eigenvalues of a symmetric matrix stored in a file,
// computed safely — refused before allocation when too large, every input
// problem a one-sentence error naming the file and the position.
//
// Design note. The steps are separate functions (peek and budget, load,
// decompose) so that a program can show progress between them and so that
// each can be tested alone. The memory estimate counts what the code below
// really allocates: the matrix (8n² bytes), LAPACK's working copy (8n²),
// and the driver's workspace — `dsyevd` with vectors asks for (1 + 6n + 2n²)
// doubles, without vectors 2n + 1; `dsyevr` 26n doubles and 10n integers plus
// its n×k vectors — and, while reading, the file's bytes next to the matrix.
// The whole spectrum uses `syevd`; `--top`/`--bottom` use `syevr`, which
// reduces to tridiagonal form once per call and computes only the k pairs.

import DescentLinalg

/// Which eigenvalues of an n×n symmetric matrix to compute.
public struct SpectrumSelection: Sendable, Hashable {
    /// How many of the smallest eigenvalues, or `nil`.
    public var smallest: Int?
    /// How many of the largest eigenvalues, or `nil`.
    public var largest: Int?

    /// Every eigenvalue.
    public static let all = SpectrumSelection(smallest: nil, largest: nil)

    /// - Parameters:
    ///   - smallest: k₁ ≥ 1 smallest eigenvalues, or `nil`.
    ///   - largest: k₂ ≥ 1 largest eigenvalues, or `nil`; both `nil` means all.
    public init(smallest: Int? = nil, largest: Int? = nil) {
        self.smallest = smallest
        self.largest = largest
    }

    /// Whether the whole spectrum is computed for order `n` (no selection, or the two ends cover it).
    public func coversAll(order n: Int) -> Bool {
        (smallest == nil && largest == nil) || (smallest ?? 0) + (largest ?? 0) >= n
    }

    /// Checks 1 ≤ k ≤ n for each count given.
    /// - Throws: ``SpectrumInputError/selectionOutOfRange(option:count:dimension:)``.
    public func validate(order n: Int) throws(SpectrumInputError) {
        for (option, count) in [("--bottom", smallest), ("--top", largest)] {
            if let count, count < 1 || count > n {
                throw .selectionOutOfRange(option: option, count: count, dimension: n)
            }
        }
    }
}

/// Why a matrix file cannot be eigen-analysed.
public enum SpectrumInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Decomposing the `rows`×`columns` matrix needs `neededBytes`, more than `limitBytes`.
    case tooLarge(path: String, rows: Int, columns: Int, neededBytes: Double, limitBytes: Double)
    /// The matrix is not square.
    case notSquare(path: String, rows: Int, columns: Int)
    /// The matrix has no elements (0×0).
    case emptyMatrix(path: String)
    /// `--top`/`--bottom` asked for `count` eigenvalues of an n×n matrix.
    case selectionOutOfRange(option: String, count: Int, dimension: Int)
    /// A NaN or ±∞ at `row`, `column` (counting from 0).
    case nonFinite(path: String, row: Int, column: Int, value: Double)
    /// `|a[row, column] − a[column, row]|` (counting from 0) is the largest asymmetry and exceeds
    /// `tolerance` × max|aᵢⱼ| (`largest`).
    case notSymmetric(path: String, row: Int, column: Int, difference: Double, tolerance: Double, largest: Double)
    /// Reading the file or the LAPACK call failed.
    case linearAlgebra(LinalgError)
    /// LAPACK returned eigenvalues that cannot be analysed (not finite).
    case invalidSpectrum(ConvergenceError)

    public var description: String {
        switch self {
        case let .tooLarge(path, rows, columns, needed, limit):
            return "\(path): a \(rows)×\(columns) matrix needs about \(SystemMemory.describe(bytes: needed)) "
                + "(the matrix, its working copies and LAPACK's workspace), more than the memory limit of "
                + "\(SystemMemory.describe(bytes: limit)); use a machine with more memory or a smaller problem, "
                + "or raise --memory-limit"
        case let .notSquare(path, rows, columns):
            return "\(path): the matrix is \(rows)×\(columns); eigenvalues need a square matrix"
        case let .emptyMatrix(path):
            return "\(path): the matrix is 0×0; there are no eigenvalues to analyse"
        case let .selectionOutOfRange(option, count, dimension):
            return "\(option) \(count) is out of range: the matrix has \(dimension) eigenvalue\(dimension == 1 ? "" : "s"), "
                + "so K must be between 1 and \(dimension)"
        case let .nonFinite(path, row, column, value):
            return "\(path): element a[\(row), \(column)] (counting from 0; row \(row + 1), column \(column + 1) "
                + "counting from 1) is \(value); the matrix must contain only finite numbers"
        case let .notSymmetric(path, row, column, difference, tolerance, largest):
            return "\(path): the matrix is not symmetric: the worst pair a[\(row), \(column)] and a[\(column), \(row)] "
                + "(counting from 0; row \(row + 1), column \(column + 1) counting from 1) differ by \(difference), "
                + "more than \(tolerance) × max|aᵢⱼ| = \(tolerance * largest); "
                + "symmetrize it, e.g. (A + Aᵀ)/2, or raise --symmetry-tolerance"
        case let .linearAlgebra(error):
            return "\(error)"
        case let .invalidSpectrum(error):
            return "the computed spectrum cannot be analysed: \(error)"
        }
    }
}

/// Reading and decomposing a symmetric matrix from a file, step by step.
public enum MatrixSpectrum {
    // MARK: - Before reading

    /// The bytes that reading an n×n matrix and computing `selection` need at their peak.
    /// - Parameters:
    ///   - n: the order of the matrix.
    ///   - selection: which eigenvalues.
    ///   - vectors: whether eigenvectors are computed too.
    ///   - fileBytes: the size of the file, held in memory while it is parsed.
    public static func memoryNeeded(order n: Int, selection: SpectrumSelection, vectors: Bool, fileBytes: Int = 0) -> Double {
        let d = Double(n)
        let matrix = 8 * d * d
        let reading = Double(fileBytes) + matrix
        let workspace: Double
        if selection.coversAll(order: n) {
            workspace = vectors ? 8 * (1 + 6 * d + 2 * d * d) + 4 * (3 + 5 * d) : 8 * (2 * d + 1)
        } else {
            let k = Double((selection.smallest ?? 0) + (selection.largest ?? 0))
            workspace = 8 * 26 * d + 4 * 10 * d + (vectors ? 8 * 3 * d * k : 8 * d)
        }
        return max(reading, 2 * matrix + workspace)
    }

    /// Reads the shape from the file's header and refuses the matrix, before it is allocated,
    /// when it is not square or decomposing it would need more than `memoryLimit` bytes.
    /// - Returns: the shape (rows exact for `.npy`/`.mtx`, bounded for CSV).
    /// - Throws: ``SpectrumInputError/notSquare(path:rows:columns:)``,
    ///   ``SpectrumInputError/tooLarge(path:rows:columns:neededBytes:limitBytes:)``, or
    ///   ``SpectrumInputError/linearAlgebra(_:)`` with the file's problem (missing, unknown type, bad header, truncated).
    public static func checkFile(
        _ path: String, selection: SpectrumSelection, vectors: Bool, memoryLimit: Double
    ) throws(SpectrumInputError) -> MatrixFileShape {
        let shape: MatrixFileShape
        do { shape = try MatrixFileShape(path: path) } catch { throw wrap(error) }
        guard shape.canBeSquare else { throw .notSquare(path: path, rows: shape.rows, columns: shape.columns) }
        let needed = memoryNeeded(order: shape.columns, selection: selection, vectors: vectors, fileBytes: shape.fileBytes)
        if needed > memoryLimit {
            throw .tooLarge(
                path: path, rows: shape.isExact ? shape.rows : shape.columns, columns: shape.columns, neededBytes: needed,
                limitBytes: memoryLimit)
        }
        return shape
    }

    // MARK: - Reading

    /// Reads the matrix (format by extension) and checks that it is square, not empty, and finite.
    /// - Throws: ``SpectrumInputError/notSquare(path:rows:columns:)``, ``SpectrumInputError/emptyMatrix(path:)``,
    ///   ``SpectrumInputError/nonFinite(path:row:column:value:)`` naming the first NaN/∞ in row order,
    ///   or ``SpectrumInputError/linearAlgebra(_:)`` with the file's problem.
    public static func load(_ path: String) throws(SpectrumInputError) -> Matrix<Double> {
        let matrix: Matrix<Double>
        do { matrix = try Matrix<Double>.load(from: path) } catch { throw wrap(error) }
        guard matrix.rows == matrix.columns else {
            throw .notSquare(path: path, rows: matrix.rows, columns: matrix.columns)
        }
        guard matrix.rows > 0 else { throw .emptyMatrix(path: path) }
        if let index = matrix.elements.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(
                path: path, row: index / matrix.columns, column: index % matrix.columns, value: matrix.elements[index])
        }
        return matrix
    }

    // MARK: - Decomposing

    /// Computes the selected eigenvalues (and vectors) of a symmetric matrix and reports them.
    /// - Parameters:
    ///   - matrix: a square, finite matrix (from ``load(_:)``).
    ///   - path: the file it came from, for messages.
    ///   - selection: all, or the k₁ smallest and/or k₂ largest eigenvalues.
    ///   - vectors: whether to compute the eigenvectors.
    ///   - symmetryTolerance: the largest accepted |aᵢⱼ − aⱼᵢ| relative to max|aᵢⱼ| (default √ε ≈ 1.5e-8).
    /// - Returns: the report and, when asked, the n×m eigenvectors as columns in the order of `report.eigenvalues`.
    /// - Throws: ``SpectrumInputError/notSymmetric(path:row:column:difference:tolerance:largest:)``
    ///   naming the worst pair, ``SpectrumInputError/selectionOutOfRange(option:count:dimension:)``,
    ///   or ``SpectrumInputError/linearAlgebra(_:)`` when LAPACK fails.
    public static func decompose(
        _ matrix: Matrix<Double>, path: String, selection: SpectrumSelection = .all, vectors: Bool = false,
        symmetryTolerance: Double? = nil
    ) throws(SpectrumInputError) -> (report: SpectrumReport, vectors: Matrix<Double>?) {
        let n = matrix.rows
        try selection.validate(order: n)
        func eigen(_ choice: SymmetricEigen<Double>.Selection) throws(SpectrumInputError) -> SymmetricEigen<Double> {
            do {
                return try SymmetricEigen(
                    of: matrix, selecting: choice, computeVectors: vectors, symmetryTolerance: symmetryTolerance)
            } catch let .notSymmetric(_, row, column, difference, tolerance) {
                let largest = matrix.elements.reduce(0) { max($0, abs($1)) }
                throw .notSymmetric(
                    path: path, row: row, column: column, difference: difference, tolerance: tolerance, largest: largest)
            } catch let .nonFinite(_, row, column, value) {
                throw .nonFinite(path: path, row: row, column: column, value: value)
            } catch {
                throw .linearAlgebra(error)
            }
        }
        do {
            if selection.coversAll(order: n) {
                let all = try eigen(.all)
                return (try SpectrumReport(eigenvalues: all.values), all.vectors)
            }
            let bottom = try selection.smallest.map { k throws(SpectrumInputError) in try eigen(.smallest(k)) }
            let top = try selection.largest.map { k throws(SpectrumInputError) in try eigen(.largest(k)) }
            let report = try SpectrumReport(
                dimension: n, smallest: bottom?.values ?? [], largest: top?.values ?? [])
            let blocks = [bottom?.vectors, top?.vectors].compactMap { $0 }
            guard vectors, let first = blocks.first else { return (report, nil) }
            let width = blocks.reduce(0) { $0 + $1.columns }
            // Side by side: the smallest' vectors, then the largest', as the eigenvalues are listed.
            let joined = Matrix<Double>(rows: n, columns: width) { i, j in
                j < first.columns ? first[i, j] : blocks[1][i, j - first.columns]
            }
            return (report, joined)
        } catch let error as SpectrumInputError {
            throw error
        } catch let error as ConvergenceError {
            throw .invalidSpectrum(error)
        } catch {
            throw .invalidSpectrum(.invalidProblem("\(error)"))
        }
    }

    /// A file or LAPACK error as a ``SpectrumInputError``.
    private static func wrap(_ error: any Error) -> SpectrumInputError {
        if let error = error as? LinalgError { return .linearAlgebra(error) }
        return .linearAlgebra(.file(path: "?", problem: .cannotOpen(reason: "\(error)")))
    }
}
