// MatrixFileShape: how big the matrix in a file is, read from the file's
// first bytes, before any of it is loaded.
//
// Design note. A program that decomposes a matrix from disk must refuse one
// that cannot fit in memory BEFORE it allocates it: an allocation that fails
// traps, and one that succeeds into swap takes the machine down with it. The
// formats differ in what their first bytes say: a `.npy` header and a Matrix
// Market size line give the exact shape (and a `.npy` file shorter than its
// header announces is reported as truncated right here); a CSV file gives
// only its column count, so the number of rows is bounded from the file's
// size (every cell takes at least two bytes, a digit and a separator, but
// the file's last cell may lack its newline). Only a
// prefix of the file is read (1 MiB at most), with the same parsers the full
// readers use, so a header the reader would reject is rejected here with the
// same `FileProblem`.

/// The shape of the matrix stored in a `.npy`, CSV or `.mtx` file, known
/// without reading the data.
///
/// ```swift
/// let shape = try MatrixFileShape(path: "hessian.npy")   // 5000×5000, exact
/// if shape.denseBytes > SystemMemory.physicalBytes { … refuse … }
/// ```
public struct MatrixFileShape: Sendable, Equatable {
    /// The number of rows: exact for `.npy` and `.mtx`; for CSV, an upper bound
    /// from the file size (see ``isExact``).
    public var rows: Int
    /// The number of columns (exact for every format).
    public var columns: Int
    /// Whether ``rows`` is exact (`.npy`, `.mtx`) or an upper bound (CSV).
    public var isExact: Bool
    /// The size of the file in bytes.
    public var fileBytes: Int

    /// Reads the shape from the start of the file at `path`, choosing the
    /// format by its extension as `Matrix.load(from:)` does.
    ///
    /// - Parameter path: a `.npy`, `.csv`/`.txt`/`.tsv` or `.mtx` file.
    /// - Throws: `LinalgError.file(path:problem:)`: `.unknownFormat`, `.cannotOpen`
    ///   (missing, unreadable, a directory), `.empty`, and for `.npy` every header
    ///   problem of ``NumpyFile/read(from:as:)`` plus `.truncated` when the file is
    ///   shorter than its header announces; for `.mtx` a bad banner or size line.
    public init(path: String) throws {
        let format = try MatrixFileFormat(path: path)
        let (prefix, size) = try FileReader.read(path, atMost: 1 << 20)
        do throws(FileProblemError) {
            switch format {
            case .numpy:
                let layout = try NumpyFile.layout(prefix)
                guard size >= layout.dataEnd else {
                    throw FileProblemError(.truncated(expectedBytes: layout.dataEnd, actualBytes: size))
                }
                self.init(rows: layout.rows, columns: layout.columns, isExact: true, fileBytes: size)
            case .matrixMarket:
                let (rows, columns) = try MatrixMarketFile.size(prefix, isWholeFile: prefix.count == size)
                self.init(rows: rows, columns: columns, isExact: true, fileBytes: size)
            case .text:
                let columns = try CSVFile.columnCount(prefix)
                self.init(rows: (size + 1) / max(2 * columns, 1), columns: columns, isExact: false, fileBytes: size)
            }
        } catch {
            throw LinalgError.file(path: path, problem: error.problem)
        }
    }

    /// A shape given directly.
    public init(rows: Int, columns: Int, isExact: Bool, fileBytes: Int) {
        self.rows = rows
        self.columns = columns
        self.isExact = isExact
        self.fileBytes = fileBytes
    }

    /// Whether the matrix is square: certain for `.npy` and `.mtx`; for CSV,
    /// whether it can be (the file is large enough for `columns` rows).
    public var canBeSquare: Bool { isExact ? rows == columns : rows >= columns }

    /// The bytes of the matrix stored densely as `Double`: 8·rows·columns
    /// (for CSV, with rows = columns, the square matrix it must be to be decomposed).
    public var denseBytes: Double { 8 * Double(isExact ? rows : columns) * Double(columns) }
}

// MARK: - Format-specific peeks

extension MatrixMarketFile {
    /// The declared rows and columns, from the banner and size line at the start of a `.mtx` file.
    static func size(_ bytes: [UInt8], isWholeFile: Bool) throws(FileProblemError) -> (rows: Int, columns: Int) {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = bytes.starts(with: byteOrderMark) ? bytes[3...] : bytes[...]
        var lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let bannerLine = lines.first, text.contains(where: { !isBlank($0) && $0 != UInt8(ascii: "\n") }) else {
            throw FileProblemError(.empty)
        }
        // Only whole lines: a prefix may end in the middle of one.
        if !isWholeFile && lines.count > 1 { lines.removeLast() }
        let sizes = try header(lines, banner: bannerLine).sizes
        return (sizes[0], sizes[1])
    }
}

extension CSVFile {
    /// The number of cells on the first line that holds data or a header (blank lines and `#` comments skipped).
    static func columnCount(_ bytes: [UInt8]) throws(FileProblemError) -> Int {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = bytes.starts(with: byteOrderMark) ? bytes[3...] : bytes[...]
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            guard let first = line.first(where: { !isBlank($0) }), first != UInt8(ascii: "#") else { continue }
            return cells(of: line, separator: hasUnquotedComma(line) ? .comma : .whitespace).count
        }
        throw FileProblemError(.empty)
    }
}

// MARK: - Memory

/// What the machine has to hold matrices.
public enum SystemMemory {
    /// The machine's physical memory in bytes (`sysconf`), or ∞ when it cannot be read.
    public static var physicalBytes: Double { physicalMemoryBytes() }

    /// Bytes as gibibytes with two significant decimals, for messages: `"1.5 GiB"`, `"12 MiB"`.
    public static func describe(bytes: Double) -> String {
        guard bytes.isFinite else { return "unlimited" }
        let gib = bytes / 1_073_741_824
        if gib >= 1 { return "\(((gib * 10).rounded()) / 10) GiB" }
        let mib = bytes / 1_048_576
        if mib >= 1 { return "\(Int(mib.rounded())) MiB" }
        return "\(Int((bytes / 1024).rounded(.up))) KiB"
    }
}
