// MatrixMarketFile: the NIST Matrix Market exchange format (`.mtx`).
//
// Design note. A Matrix Market file is a banner line
// `%%MatrixMarket matrix <format> <field> <symmetry>`, comment lines starting
// with `%`, a size line, and the data. Descent reads the real-valued kinds:
// the dense `array` format (column by column; only the lower triangle for
// symmetric matrices, only the strict lower triangle for skew-symmetric ones)
// and the sparse `coordinate` format (1-based `i j value` triples), which it
// densifies. Where the specification is silent, Descent does what SciPy's
// `scipy.io.mmread` does: banner words are case-insensitive, coordinate
// entries of symmetric matrices are mirrored wherever they lie, and duplicate
// entries are summed. Reference: R. F. Boisvert, R. Pozo, K. A. Remington,
// "The Matrix Market Exchange Formats: Initial Design", NISTIR 5935 (1996).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads and writes Matrix Market (`.mtx`) files of real numbers.
///
/// ```swift
/// let stiffness = try MatrixMarketFile.read(from: "bcsstk01.mtx", as: Double.self)
/// try MatrixMarketFile.write(stiffness, to: "copy.mtx", symmetric: true)
/// ```
public enum MatrixMarketFile {
    // MARK: - Reading

    /// Reads a real or integer matrix, dense (`array`) or sparse (`coordinate`), as a dense matrix.
    ///
    /// Symmetric matrices are completed from their stored triangle
    /// (skew-symmetric: `a[j, i] = −a[i, j]`); duplicate coordinate entries are summed.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - scalarType: the precision of the result, `Float` or `Double`.
    /// - Returns: the matrix, dense and row-major.
    /// - Throws: `LinalgError.file(path:problem:)` with `.cannotOpen`, `.empty`,
    ///   `.badMagic(expected: "MatrixMarket")`, `.malformedHeader` (banner or size
    ///   line), `.unsupportedType` (`pattern`, `complex`, `hermitian`, `vector`),
    ///   `.nonNumericCell`, `.malformedEntry` (a coordinate line without exactly three
    ///   numbers), `.indexOutOfRange` or `.wrongEntryCount`.
    /// - Complexity: O(rows × columns + entries).
    public static func read<Scalar: BLASScalar>(
        from path: String, as scalarType: Scalar.Type = Scalar.self
    ) throws -> Matrix<Scalar> {
        try FileReader.decode(path) { bytes throws(FileProblemError) in try decode(bytes, as: scalarType) }
    }

    // MARK: - Writing

    /// Writes a matrix in the dense `array real` format, each number in its
    /// shortest form that reads back to the same value.
    ///
    /// With `symmetric: true` the banner says `symmetric` and only the lower
    /// triangle is written, which halves the file. The write is atomic: on
    /// failure an existing file is untouched.
    /// - Parameters:
    ///   - matrix: the matrix to save.
    ///   - path: the file to create or replace.
    ///   - symmetric: write only the lower triangle of a symmetric matrix.
    ///   - symmetryTolerance: with `symmetric: true`, the largest accepted
    ///     `|aᵢⱼ − aⱼᵢ|` relative to `max|aᵢⱼ|` (default √ε, as for ``SymmetricEigen``);
    ///     the upper triangle is dropped, so it must match the lower one.
    /// - Throws: with `symmetric: true`, ``LinalgError/notSquare(routine:rows:columns:)``,
    ///   ``LinalgError/nonFinite(routine:row:column:value:)`` or
    ///   ``LinalgError/notSymmetric(routine:row:column:difference:tolerance:)`` (nothing is
    ///   written; `symmetrized()` averages the triangles); `LinalgError.file(path:problem:
    ///   .cannotOpen(reason:))` when the operating system refuses the write.
    public static func write<Scalar: BLASScalar>(
        _ matrix: Matrix<Scalar>, to path: String, symmetric: Bool = false, symmetryTolerance: Scalar? = nil
    ) throws {
        if symmetric { try matrix.requireSymmetric("MatrixMarketFile.write", tolerance: symmetryTolerance) }
        try AtomicFileWriter.write(encode(matrix, symmetric: symmetric), to: path)
    }

    // MARK: - Banner

    /// The storage scheme named in the banner.
    enum Format { case array, coordinate }

    /// The symmetry named in the banner.
    enum Symmetry { case general, symmetric, skewSymmetric }

    /// Reads `%%MatrixMarket matrix <format> <field> <symmetry>`.
    static func parseBanner(_ line: ArraySlice<UInt8>) throws(FileProblemError) -> (Format, Symmetry) {
        let words = tokens(of: line).map { String(decoding: $0, as: UTF8.self).lowercased() }
        guard words.first == "%%matrixmarket" else { throw FileProblemError(.badMagic(expected: "MatrixMarket")) }
        guard words.count == 5 else {
            throw FileProblemError(
                .malformedHeader(
                    "the banner must read '%%MatrixMarket matrix <array|coordinate> <real|integer> "
                        + "<general|symmetric|skew-symmetric>', found '\(String(decoding: line, as: UTF8.self))'"))
        }
        guard words[1] == "matrix" else { throw FileProblemError(.unsupportedType(words[1])) }
        let format: Format
        switch words[2] {
        case "array": format = .array
        case "coordinate": format = .coordinate
        default: throw FileProblemError(.malformedHeader("unknown storage format '\(words[2])'; expected array or coordinate"))
        }
        switch words[3] {
        case "real", "double", "integer": break
        case "pattern", "complex": throw FileProblemError(.unsupportedType(words[3]))
        default: throw FileProblemError(.malformedHeader("unknown field '\(words[3])'; expected real or integer"))
        }
        let symmetry: Symmetry
        switch words[4] {
        case "general": symmetry = .general
        case "symmetric": symmetry = .symmetric
        case "skew-symmetric": symmetry = .skewSymmetric
        case "hermitian": throw FileProblemError(.unsupportedType(words[4]))
        default:
            throw FileProblemError(
                .malformedHeader(
                    "unknown symmetry '\(words[4])'; expected general, symmetric or skew-symmetric"))
        }
        return (format, symmetry)
    }

    // MARK: - Decoding

    /// Parses the bytes of a whole `.mtx` file.
    static func decode<Scalar: BLASScalar>(_ bytes: [UInt8], as _: Scalar.Type) throws(FileProblemError) -> Matrix<Scalar> {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = bytes.starts(with: byteOrderMark) ? bytes[3...] : bytes[...]
        let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let bannerLine = lines.first, text.contains(where: { !isBlank($0) && $0 != UInt8(ascii: "\n") }) else {
            throw FileProblemError(.empty)
        }
        let parsed = try header(lines, banner: bannerLine)
        let (format, symmetry, sizeLine, sizes) = (parsed.format, parsed.symmetry, parsed.sizeLine, parsed.sizes)
        var content = parsed.content
        let (rows, columns) = (sizes[0], sizes[1])
        if symmetry != .general && rows != columns {
            throw FileProblemError(
                .malformedHeader("a symmetric matrix must be square, but the size line says \(rows)×\(columns)"))
        }
        guard !rows.multipliedReportingOverflow(by: columns).overflow else {
            throw FileProblemError(.malformedHeader("the size \(rows)×\(columns) is too large"))
        }
        // A coordinate file may declare a size far beyond its entries; the dense
        // matrix must still fit in memory, or the allocation would crash.
        let denseBytes = Double(rows) * Double(columns) * Double(MemoryLayout<Scalar>.stride)
        if format == .coordinate, denseBytes > physicalMemoryBytes() {
            throw FileProblemError(
                .malformedHeader(
                    "line \(sizeLine): a \(rows)×\(columns) matrix needs \(gigabytes(denseBytes)) GB stored densely, "
                        + "more than this machine's \(gigabytes(physicalMemoryBytes())) GB; Descent stores matrices densely"))
        }
        switch format {
        case .array:
            return try readArray(&content, rows: rows, columns: columns, symmetry: symmetry)
        case .coordinate:
            return try readCoordinates(&content, rows: rows, columns: columns, entries: sizes[2], symmetry: symmetry)
        }
    }

    /// The banner, and the size line with its line number and values, from a file's lines;
    /// `content` is left just after the size line.
    static func header(
        _ lines: [ArraySlice<UInt8>], banner bannerLine: ArraySlice<UInt8>
    ) throws(FileProblemError) -> (
        format: Format, symmetry: Symmetry, content: ContentLines, sizeLine: Int, sizes: [Int]
    ) {
        let (format, symmetry) = try parseBanner(bannerLine)
        var content = ContentLines(lines: lines)
        guard let sizeLine = content.next() else {
            throw FileProblemError(.malformedHeader("the size line is missing after the banner"))
        }
        let sizeCount = format == .array ? 2 : 3
        let sizes = sizeLine.tokens.compactMap { Int(String(decoding: $0, as: UTF8.self)) }.filter { $0 >= 0 }
        guard sizeLine.tokens.count == sizeCount, sizes.count == sizeCount else {
            throw FileProblemError(
                .malformedHeader(
                    "line \(sizeLine.number): the size line must be \(format == .array ? "'rows columns'" : "'rows columns entries'")"
                        + " as non-negative integers"))
        }
        return (format, symmetry, content, sizeLine.number, sizes)
    }

    /// The lines after the banner that hold something: blank lines and `%` comments are skipped wherever they are.
    struct ContentLines: IteratorProtocol {
        let lines: [ArraySlice<UInt8>]
        /// The index of the next line to look at; line 0 is the banner.
        var nextIndex = 1

        /// The next line's 1-based number and its blank-separated words.
        mutating func next() -> (number: Int, tokens: [ArraySlice<UInt8>])? {
            while nextIndex < lines.count {
                let words = tokens(of: lines[nextIndex])
                nextIndex += 1
                if let first = words.first, first.first != UInt8(ascii: "%") { return (nextIndex, words) }
            }
            return nil
        }
    }

    /// Reads `array` data: every remaining word is a value, column by column.
    private static func readArray<Scalar: BLASScalar>(
        _ content: inout ContentLines, rows: Int, columns: Int, symmetry: Symmetry
    ) throws(FileProblemError) -> Matrix<Scalar> {
        let strictTriangle = (rows * columns - rows) / 2  // n(n−1)/2 without overflow
        let expected =
            switch symmetry {
            case .general: rows * columns
            case .symmetric: strictTriangle + rows
            case .skewSymmetric: strictTriangle
            }
        // Values are collected before the matrix is allocated, so a size line
        // announcing more than the file holds fails without a huge allocation.
        var values: [Scalar] = []
        var found = 0
        while let line = content.next() {
            for (index, token) in line.tokens.enumerated() {
                let value: Scalar = try number(token, line: line.number, column: index + 1)
                if found < expected { values.append(value) }
                found += 1
            }
        }
        guard found == expected else { throw FileProblemError(.wrongEntryCount(expected: expected, found: found)) }
        return arrayMatrix(values, rows: rows, columns: columns, symmetry: symmetry)
    }

    /// Reads `coordinate` data: `i j value` per line, mirrored when symmetric, duplicates summed.
    private static func readCoordinates<Scalar: BLASScalar>(
        _ content: inout ContentLines, rows: Int, columns: Int, entries: Int, symmetry: Symmetry
    ) throws(FileProblemError) -> Matrix<Scalar> {
        var elements = [Scalar](repeating: 0, count: rows * columns)
        func add(_ value: Scalar, row: Int, column: Int) {
            // A cell still holding +0 takes the value as written, so "-0" stays -0.0.
            let offset = (row - 1) * columns + column - 1
            let current = elements[offset]
            elements[offset] = current == 0 && current.sign == .plus ? value : current + value
        }
        var found = 0
        while let line = content.next() {
            guard line.tokens.count == 3 else {
                throw FileProblemError(.malformedEntry(line: line.number, found: line.tokens.count))
            }
            let row = try integer(line.tokens[0], line: line.number, column: 1)
            let column = try integer(line.tokens[1], line: line.number, column: 2)
            let value: Scalar = try number(line.tokens[2], line: line.number, column: 3)
            guard row >= 1 && row <= rows && column >= 1 && column <= columns else {
                throw FileProblemError(
                    .indexOutOfRange(line: line.number, row: row, column: column, rows: rows, columns: columns))
            }
            add(value, row: row, column: column)
            if row != column && symmetry != .general {
                add(symmetry == .symmetric ? value : -value, row: column, column: row)
            }
            found += 1
        }
        guard found == entries else { throw FileProblemError(.wrongEntryCount(expected: entries, found: found)) }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// Places column-major `array` data (a triangle of it when symmetric) in a row-major matrix.
    private static func arrayMatrix<Scalar: BLASScalar>(
        _ values: [Scalar], rows: Int, columns: Int, symmetry: Symmetry
    ) -> Matrix<Scalar> {
        var elements = [Scalar](repeating: 0, count: rows * columns)
        var next = 0
        for column in 0..<columns {
            let firstRow =
                switch symmetry {
                case .general: 0
                case .symmetric: column
                case .skewSymmetric: column + 1
                }
            for row in firstRow..<max(firstRow, rows) {
                let value = values[next]
                next += 1
                elements[row * columns + column] = value
                if symmetry == .symmetric { elements[column * columns + row] = value }
                if symmetry == .skewSymmetric { elements[column * columns + row] = -value }
            }
        }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// A space, tab or carriage return.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The blank-separated words of a line.
    private static func tokens(of line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        line.split(whereSeparator: isBlank)
    }

    private static func number<Scalar: BLASScalar>(
        _ token: ArraySlice<UInt8>, line: Int, column: Int
    ) throws(FileProblemError) -> Scalar {
        let text = String(decoding: token, as: UTF8.self)
        guard let value = Scalar(text) else {
            throw FileProblemError(.nonNumericCell(line: line, column: column, text: text))
        }
        return value
    }

    private static func integer(_ token: ArraySlice<UInt8>, line: Int, column: Int) throws(FileProblemError) -> Int {
        let text = String(decoding: token, as: UTF8.self)
        guard let value = Int(text) else {
            throw FileProblemError(.nonNumericCell(line: line, column: column, text: text))
        }
        return value
    }

    // MARK: - Encoding

    /// The complete text of an `array real` file holding `matrix` (its lower triangle when `symmetric`).
    static func encode<Scalar: BLASScalar>(_ matrix: Matrix<Scalar>, symmetric: Bool) -> [UInt8] {
        let (rows, columns) = (matrix.rows, matrix.columns)
        let elements = matrix.elements
        precondition(!symmetric || matrix.isSquare, "A symmetric Matrix Market file needs a square matrix")
        var text = "%%MatrixMarket matrix array real \(symmetric ? "symmetric" : "general")\n\(rows) \(columns)\n"
        for column in 0..<columns {
            for row in (symmetric ? column : 0)..<rows {
                text += elements[row * columns + column].description
                text += "\n"
            }
        }
        return Array(text.utf8)
    }
}

/// The machine's physical memory in bytes (∞ if it cannot be read).
func physicalMemoryBytes() -> Double {
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
    return pages > 0 && size > 0 ? Double(pages) * Double(size) : .infinity
}

/// Bytes as gigabytes with one decimal, for messages.
func gigabytes(_ bytes: Double) -> String {
    let tenths = (bytes / 1e8).rounded()
    return tenths.isFinite ? "\(tenths / 10)" : "∞"
}
