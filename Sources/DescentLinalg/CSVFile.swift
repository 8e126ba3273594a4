// CSVFile: numeric tables as comma- or whitespace-separated text.
//
// Design note. Goals, in order: (1) read what spreadsheets, pandas,
// `numpy.savetxt` and hand-edited files produce — a UTF-8 byte order mark,
// CRLF line ends, `#` comments, blank lines, spaces around cells, a quoted
// header; (2) point at the exact line and column of anything that is not a
// number; (3) write text that reads back bit-exactly. Numbers are parsed by
// the standard library's `Scalar(String)` (so `nan` and `inf` are accepted
// as written; checking for missing data is the caller's business) and
// printed with Swift's shortest round-trip `description`.

/// A numeric table read from a CSV file: the column names, if the file has
/// them, and the numbers.
public struct CSVTable<Scalar: BLASScalar>: Sendable, Equatable {
    /// The header row's names, one per column, or `nil` when the file has no header.
    public var header: [String]?
    /// The numbers, one matrix row per data line.
    public var matrix: Matrix<Scalar>

    /// A table from its parts.
    /// - Parameters:
    ///   - header: the column names, or `nil`.
    ///   - matrix: the numbers.
    public init(header: [String]?, matrix: Matrix<Scalar>) {
        self.header = header
        self.matrix = matrix
    }
}

/// Reads and writes numeric CSV (and whitespace-separated text) files.
///
/// ```swift
/// let table = try CSVFile.read(from: "data.csv", as: Double.self)
/// print(table.header ?? [], table.matrix.shapeDescription)
/// try CSVFile.write(table.matrix, to: "copy.csv", header: table.header)
/// ```
public enum CSVFile {
    /// Whether the first non-comment line holds column names.
    public enum HeaderRow: Sendable, Equatable {
        /// The first line is a header when any of its non-empty cells is not a number.
        case automatic
        /// The first line is a header.
        case present
        /// Every line is data.
        case absent
    }

    /// How cells are separated on a line.
    public enum Separator: Sendable, Equatable {
        /// Reading: a comma if the first non-comment line contains one, else whitespace.
        /// Writing: a comma.
        case automatic
        /// A comma; spaces around cells are ignored.
        case comma
        /// Spaces or tabs; a run of them counts as one separator. Writing uses one tab.
        case whitespace
    }

    // MARK: - Reading

    /// Reads a table of numbers.
    ///
    /// Blank lines and lines starting with `#` are skipped. Cells may be
    /// surrounded by spaces and may be double-quoted (`"a, b"`, with `""` for
    /// a quote inside). Every data line must have as many cells as the first
    /// line (the header when there is one).
    /// - Parameters:
    ///   - path: the file to read.
    ///   - scalarType: the precision of the result, `Float` or `Double`.
    ///   - header: whether the first line is a header; `.automatic` by default.
    ///   - separator: the cell separator; detected from the first line by default.
    /// - Returns: the header names (or `nil`) and the numbers.
    /// - Throws: `LinalgError.file(path:problem:)` with `.cannotOpen`,
    ///   `.raggedRow(line:expected:found:)`, `.nonNumericCell(line:column:text:)`
    ///   (also for an empty cell) or `.empty` when there is no data line.
    public static func read<Scalar: BLASScalar>(
        from path: String, as scalarType: Scalar.Type = Scalar.self,
        header: HeaderRow = .automatic, separator: Separator = .automatic
    ) throws -> CSVTable<Scalar> {
        try FileReader.decode(path) { bytes throws(FileProblemError) in
            try decode(bytes, as: scalarType, header: header, separator: separator)
        }
    }

    // MARK: - Writing

    /// Writes a matrix as text, one row per line, each number in its shortest
    /// form that reads back to the same value.
    ///
    /// Header names are quoted when they need it (a comma, a quote, a space or
    /// tab, a leading `#`, or empty). A header whose names all
    /// look like numbers reads back as data unless read with `header: .present`.
    /// A matrix with no rows or no columns reads back as `.empty`. The write is
    /// atomic: on failure an existing file is untouched.
    /// - Parameters:
    ///   - matrix: the numbers.
    ///   - path: the file to create or replace.
    ///   - header: column names for a first line, or `nil` for none.
    ///   - separator: `.comma` (the default, also for `.automatic`) or `.whitespace` (a tab).
    /// - Precondition: `header`, if given, has one name per column and no name contains a line break.
    /// - Throws: `LinalgError.file(path:problem: .cannotOpen(reason:))` when the
    ///   operating system refuses the write.
    public static func write<Scalar: BLASScalar>(
        _ matrix: Matrix<Scalar>, to path: String,
        header: [String]? = nil, separator: Separator = .comma
    ) throws {
        try AtomicFileWriter.write(encode(matrix, header: header, separator: separator), to: path)
    }

    // MARK: - Decoding

    /// Parses the bytes of a whole CSV file.
    static func decode<Scalar: BLASScalar>(
        _ bytes: [UInt8], as _: Scalar.Type, header: HeaderRow, separator: Separator
    ) throws(FileProblemError) -> CSVTable<Scalar> {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = bytes.starts(with: byteOrderMark) ? bytes[3...] : bytes[...]
        var resolvedSeparator: Separator? = separator == .automatic ? nil : separator
        var names: [String]?
        var width: Int?
        var values: [Scalar] = []
        var rows = 0
        var lineNumber = 0
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard let first = line.first(where: { !isBlank($0) }), first != UInt8(ascii: "#") else { continue }
            let lineSeparator = resolvedSeparator ?? (hasUnquotedComma(line) ? .comma : .whitespace)
            resolvedSeparator = lineSeparator
            let cells = self.cells(of: line, separator: lineSeparator)
            guard let expected = width else {
                width = cells.count
                let isHeader =
                    switch header {
                    case .present: true
                    case .absent: false
                    case .automatic: cells.contains { !$0.isEmpty && Double($0) == nil }
                    }
                if isHeader {
                    names = cells
                    continue
                }
                try append(cells, line: lineNumber, to: &values)
                rows += 1
                continue
            }
            guard cells.count == expected else {
                throw FileProblemError(.raggedRow(line: lineNumber, expected: expected, found: cells.count))
            }
            try append(cells, line: lineNumber, to: &values)
            rows += 1
        }
        guard rows > 0, let width else { throw FileProblemError(.empty) }
        return CSVTable(header: names, matrix: Matrix(rows: rows, columns: width, elements: values))
    }

    /// Parses one data line's cells onto the end of `values`.
    private static func append<Scalar: BLASScalar>(
        _ cells: [String], line: Int, to values: inout [Scalar]
    ) throws(FileProblemError) {
        for (index, cell) in cells.enumerated() {
            guard let value = Scalar(cell) else {
                throw FileProblemError(.nonNumericCell(line: line, column: index + 1, text: cell))
            }
            values.append(value)
        }
    }

    /// Whether `line` has a comma outside double quotes (a quoted header name may hold one).
    static func hasUnquotedComma(_ line: ArraySlice<UInt8>) -> Bool {
        var isQuoted = false
        for byte in line {
            if byte == UInt8(ascii: "\"") { isQuoted.toggle() }
            if byte == UInt8(ascii: ",") && !isQuoted { return true }
        }
        return false
    }

    /// A space, tab or carriage return: what surrounds cells and ends CRLF lines.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// Splits a line into cells, trimming blanks around them and removing quotes.
    static func cells(of line: ArraySlice<UInt8>, separator: Separator) -> [String] {
        let splitsOnComma = separator != .whitespace
        func endsCell(_ byte: UInt8) -> Bool { splitsOnComma ? byte == UInt8(ascii: ",") : isBlank(byte) }
        var cells: [String] = []
        var index = line.startIndex
        while true {
            while index < line.endIndex && isBlank(line[index]) { index += 1 }
            if !splitsOnComma && index == line.endIndex { return cells }
            if index < line.endIndex && line[index] == UInt8(ascii: "\"") {
                var cell = quotedText(line, from: &index)
                let rest = index
                while index < line.endIndex && !endsCell(line[index]) { index += 1 }
                cell += trimmed(line[rest..<index])
                cells.append(String(decoding: cell, as: UTF8.self))
            } else {
                let start = index
                while index < line.endIndex && !endsCell(line[index]) { index += 1 }
                cells.append(String(decoding: trimmed(line[start..<index]), as: UTF8.self))
            }
            if index == line.endIndex { return cells }
            index += 1  // past the separator
        }
    }

    /// The text of the quoted cell starting at `index` (on its opening quote),
    /// with `""` read as one quote; leaves `index` just past the closing quote.
    private static func quotedText(_ line: ArraySlice<UInt8>, from index: inout Int) -> [UInt8] {
        let quote = UInt8(ascii: "\"")
        var text: [UInt8] = []
        index += 1
        while index < line.endIndex {
            if line[index] == quote {
                guard index + 1 < line.endIndex && line[index + 1] == quote else {
                    index += 1
                    return text
                }
                index += 1
            }
            text.append(line[index])
            index += 1
        }
        return text  // not closed: the rest of the line
    }

    /// `bytes` without trailing blanks.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex && isBlank(bytes[end - 1]) { end -= 1 }
        return bytes[bytes.startIndex..<end]
    }

    // MARK: - Encoding

    /// The complete text of a CSV file holding `matrix`.
    static func encode<Scalar: BLASScalar>(
        _ matrix: Matrix<Scalar>, header: [String]?, separator: Separator
    ) -> [UInt8] {
        let delimiter = separator == .whitespace ? "\t" : ","
        var text = ""
        if let header {
            precondition(
                header.count == matrix.columns,
                "CSV header has \(header.count) names for \(matrix.columns) columns")
            text += header.map(quotedIfNeeded).joined(separator: delimiter) + "\n"
        }
        let elements = matrix.elements
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns {
                if column > 0 { text += delimiter }
                text += elements[row * matrix.columns + column].description
            }
            text += "\n"
        }
        return Array(text.utf8)
    }

    /// `name`, in quotes when reading it back would otherwise change it.
    private static func quotedIfNeeded(_ name: String) -> String {
        precondition(!name.contains(where: \.isNewline), "CSV header name \(name.debugDescription) contains a line break")
        let blanks: Set<Character> = [" ", "\t"]
        // Blanks anywhere are quoted, which also keeps a one-column comma file from reading as whitespace-separated.
        let needsQuotes =
            name.isEmpty || name.first == "#" || name.contains(",") || name.contains("\"")
            || name.contains(where: blanks.contains)
        guard needsQuotes else { return name }
        var quoted = "\""
        for character in name {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }
}
