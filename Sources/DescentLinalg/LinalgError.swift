// LinalgError: every failure that comes from data rather than from a bug.

/// A failure caused by the data given to Descent's linear algebra: a matrix
/// LAPACK cannot handle, or a file that cannot be read or written.
///
/// Each case carries what a person needs to fix the input, and
/// ``description`` says it in one sentence.
public enum LinalgError: Error, Equatable, Sendable {
    /// A routine that needs a square matrix was given a `rows`×`columns` one.
    case notSquare(routine: String, rows: Int, columns: Int)
    /// An element is NaN or ±∞; `row`, `column` locate the first one.
    case nonFinite(routine: String, row: Int, column: Int, value: Double)
    /// A symmetric solver was given a matrix whose largest asymmetry
    /// `|a[row, column] − a[column, row]|` exceeds `tolerance` (relative to the largest |aᵢⱼ|).
    case notSymmetric(routine: String, row: Int, column: Int, difference: Double, tolerance: Double)
    /// Cholesky found the leading minor of order `order` not positive definite.
    case notPositiveDefinite(routine: String, order: Int)
    /// An iterative LAPACK routine did not converge (`info > 0`).
    case didNotConverge(routine: String, info: Int)
    /// LAPACKE could not allocate its workspace.
    case outOfMemory(routine: String)
    /// A matrix file could not be read or written.
    case file(path: String, problem: FileProblem)
}

/// What is wrong with a matrix file. Lines and columns count from 1, as an editor shows them.
public enum FileProblem: Equatable, Sendable {
    /// The operating system refused (missing file, permissions, full disk…).
    case cannotOpen(reason: String)
    /// The file name's extension is not `.npy`, `.csv`, `.txt`, `.tsv` or `.mtx`.
    case unknownFormat(fileExtension: String)
    /// The file holds no data.
    case empty
    /// The file ends before the data its header announces.
    case truncated(expectedBytes: Int, actualBytes: Int)
    /// The file does not start with the format's magic string.
    case badMagic(expected: String)
    /// A `.npy` format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(String)
    /// The header cannot be parsed; the text says where.
    case malformedHeader(String)
    /// A data type Descent does not read (complex, object, strings, pattern…).
    case unsupportedType(String)
    /// Big-endian data (`>f8`): Descent reads little-endian `.npy` files.
    case bigEndian(descriptor: String)
    /// An array with other than one or two dimensions.
    case notAMatrix(shape: [Int])
    /// A CSV row with a different number of cells from the first row.
    case raggedRow(line: Int, expected: Int, found: Int)
    /// A cell that is not a number.
    case nonNumericCell(line: Int, column: Int, text: String)
    /// A MatrixMarket coordinate entry that is not `row column value` (three numbers).
    case malformedEntry(line: Int, found: Int)
    /// A MatrixMarket entry whose index lies outside the declared size.
    case indexOutOfRange(line: Int, row: Int, column: Int, rows: Int, columns: Int)
    /// The number of entries differs from what the header declares.
    case wrongEntryCount(expected: Int, found: Int)
    /// A problem with one tensor of a file that holds several (safetensors), named by the tensor.
    indirect case tensor(name: String, problem: FileProblem)
    /// A tensor's data spans `found` bytes, but its shape and data type need `expected`.
    case wrongByteCount(expected: Int, found: Int)
    /// Two tensors claim some of the same bytes of a safetensors file's data.
    case overlappingData(first: String, second: String)
    /// Bytes `begin..<end` of a safetensors file's data (counted from the end of
    /// the header) belong to no tensor; the format requires the tensors to fill it.
    case unusedData(begin: Int, end: Int)
}

extension LinalgError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .notSquare(routine, rows, columns):
            return "\(routine): needs a square matrix, got \(rows)×\(columns)"
        case let .nonFinite(routine, row, column, value):
            return "\(routine): element (\(row), \(column)) (row, column counting from 0) is \(value); "
                + "the matrix must contain only finite numbers"
        case let .notSymmetric(routine, row, column, difference, tolerance):
            return "\(routine): the matrix is not symmetric: |a[\(row), \(column)] − a[\(column), \(row)]| = \(difference) "
                + "(indices counting from 0) "
                + "exceeds \(tolerance) × max|aᵢⱼ| (the relative symmetry tolerance); "
                + "pass a symmetric matrix, or symmetrize it with symmetrized()"
        case let .notPositiveDefinite(routine, order):
            return "\(routine): the matrix is not positive definite (its leading minor of order \(order) is not); "
                + "check the matrix, or add a multiple of the identity"
        case let .didNotConverge(routine, info):
            return
                "\(routine): LAPACK did not converge (info = \(info)); the matrix may be badly scaled or contain extreme values"
        case let .outOfMemory(routine):
            return "\(routine): LAPACK could not allocate its workspace; the matrix is too large for the available memory"
        case let .file(path, problem):
            return "\(path): \(problem)"
        }
    }
}

extension FileProblem: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .cannotOpen(reason): return reason
        case let .unknownFormat(fileExtension):
            return "unknown file type '.\(fileExtension)'; use .npy, .csv (or .txt/.tsv) or .mtx"
        case .empty: return "the file is empty"
        case let .truncated(expected, actual):
            return "the file is truncated: the header announces \(expected) bytes but there are \(actual)"
        case let .badMagic(expected): return "not a \(expected) file (its first bytes are wrong)"
        case let .unsupportedVersion(version):
            return "unsupported .npy format version \(version); Descent reads versions 1.0, 2.0 and 3.0"
        case let .malformedHeader(detail): return "malformed header: \(detail)"
        case let .unsupportedType(type):
            return "unsupported data type '\(type)'; use real floating-point or integer data"
        case let .bigEndian(descriptor):
            return "big-endian data ('\(descriptor)'); save it little-endian, e.g. numpy: a.astype('<f8')"
        case let .notAMatrix(shape):
            return "the array has shape (\(shape.map(String.init).joined(separator: ", "))); a matrix needs 1 or 2 dimensions"
        case let .raggedRow(line, expected, found):
            return "line \(line) has \(found) cells, but the first row has \(expected)"
        case let .nonNumericCell(line, column, text):
            return text.isEmpty
                ? "line \(line), column \(column) is empty; every cell must be a number"
                : "line \(line), column \(column): '\(text)' is not a number"
        case let .malformedEntry(line, found):
            return "line \(line) has \(found) fields; a coordinate entry is 'row column value'"
        case let .indexOutOfRange(line, row, column, rows, columns):
            return "line \(line): entry (\(row), \(column)) is outside the declared \(rows)×\(columns) size"
        case let .wrongEntryCount(expected, found):
            return "the header declares \(expected) entries but the file has \(found)"
        case let .tensor(name, problem):
            return "tensor '\(name)': \(problem)"
        case let .wrongByteCount(expected, found):
            return "its data_offsets span \(found) bytes, but its shape and dtype need \(expected)"
        case let .overlappingData(first, second):
            return "the data of tensors '\(first)' and '\(second)' overlap; each tensor needs its own bytes"
        case let .unusedData(begin, end):
            return "bytes \(begin)..<\(end) of the data (counting from the end of the header) belong to no tensor; "
                + "the tensors' data_offsets must cover the data without gaps"
        }
    }
}
