// NumpyHeader: the dictionary literal at the start of every `.npy` file,
// and the element types Descent can read from it.
//
// Design note. NumPy writes the header with `repr` and reads it with
// `ast.literal_eval`, so other writers (older NumPy, Python 2, Rust and C++
// libraries) vary in quoting, spacing, key order and trailing commas. The
// parser below accepts the subset of Python literal syntax a header can hold —
// strings, integers, `True`/`False`/`None`, tuples, lists and the one
// dictionary — and reports the first thing it cannot read with its character
// position. Reference: NumPy Enhancement Proposal 1, "A Simple File Format for
// NumPy Arrays", and `numpy/lib/_format_impl.py`.

// MARK: - Header

/// The three fields of a `.npy` header that matter for a matrix.
struct NumpyHeader: Equatable {
    /// The data-type descriptor, such as `<f8`.
    var descriptor: String
    /// Whether the data is stored column by column.
    var isFortranOrder: Bool
    /// The array's shape; `[]` for a scalar.
    var shape: [Int]

    /// Parses the header text (the part between the length field and the data).
    /// - Throws: the `FileProblem` to report: `.malformedHeader` saying what is
    ///   wrong, or `.unsupportedType` for a structured (record) data type.
    init(parsing text: String) throws(FileProblemError) {
        var parser = PythonLiteralParser(text)
        let entries: [(key: String, value: PythonLiteral)]
        do {
            entries = try parser.parseHeaderDictionary()
        } catch {
            throw FileProblemError(.malformedHeader(error.message))
        }
        func value(_ key: String) throws(FileProblemError) -> PythonLiteral {
            guard let entry = entries.last(where: { $0.key == key }) else {
                throw FileProblemError(.malformedHeader("the header has no '\(key)' entry"))
            }
            return entry.value
        }
        switch try value("descr") {
        case .string(let text): descriptor = text
        case let other: throw FileProblemError(.unsupportedType("structured data type \(other)"))
        }
        let orderValue = try value("fortran_order")
        guard case .boolean(let flag) = orderValue else {
            throw FileProblemError(.malformedHeader("'fortran_order' is \(orderValue), not True or False"))
        }
        isFortranOrder = flag
        let shapeValue = try value("shape")
        guard case .sequence(let items) = shapeValue else {
            throw FileProblemError(.malformedHeader("'shape' is \(shapeValue), not a tuple"))
        }
        shape = []
        for item in items {
            guard case .integer(let extent) = item, extent >= 0 else {
                throw FileProblemError(.malformedHeader("'shape' \(shapeValue) holds \(item), not a size"))
            }
            shape.append(extent)
        }
    }
}

// MARK: - Element types

/// The `.npy` element types Descent reads, all converted to `Float` or `Double`.
enum NumpyElementType: Equatable {
    case float16, float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    /// Bytes per element.
    var size: Int {
        switch self {
        case .int8, .uint8, .bool: 1
        case .float16, .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// The element type named by a descriptor such as `<f8`, `|u1` or `=i4`.
    ///
    /// `<` is little-endian, `=` native (little-endian on the platforms Descent
    /// runs on) and `|` "not applicable" (one-byte types); a missing prefix is native.
    /// - Throws: `.bigEndian` for `>` with multi-byte elements, `.unsupportedType`
    ///   for every other kind (complex, strings, objects, dates, `f16`…).
    init(descriptor: String) throws(FileProblemError) {
        var characters = Substring(descriptor)
        var byteOrder: Character = "="
        if let first = characters.first, "<>=|".contains(first) {
            byteOrder = first
            characters = characters.dropFirst()
        }
        guard let kind = characters.first, let size = Int(characters.dropFirst()) else {
            throw FileProblemError(.unsupportedType(descriptor))
        }
        switch (kind, size) {
        case ("f", 2): self = .float16
        case ("f", 4): self = .float32
        case ("f", 8): self = .float64
        case ("i", 1): self = .int8
        case ("i", 2): self = .int16
        case ("i", 4): self = .int32
        case ("i", 8): self = .int64
        case ("u", 1): self = .uint8
        case ("u", 2): self = .uint16
        case ("u", 4): self = .uint32
        case ("u", 8): self = .uint64
        case ("b", 1): self = .bool
        default: throw FileProblemError(.unsupportedType(descriptor))
        }
        if byteOrder == ">" && size > 1 { throw FileProblemError(.bigEndian(descriptor: descriptor)) }
    }
}

// MARK: - Python literals

/// A value in a `.npy` header.
enum PythonLiteral: CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    /// A tuple or a list.
    case sequence([PythonLiteral])
    case dictionary([(key: String, value: PythonLiteral)])

    /// The value written back in Python syntax, for messages.
    var description: String {
        switch self {
        case .string(let text): "'\(text)'"
        case .integer(let value): String(value)
        case .boolean(let value): value ? "True" : "False"
        case .none: "None"
        case .sequence(let items): "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .dictionary(let entries):
            "{" + entries.map { "'\($0.key)': \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}

/// What the literal parser could not read, with the character position.
struct PythonSyntaxError: Error {
    let message: String
}

/// A recursive-descent parser for the Python literals a `.npy` header holds.
struct PythonLiteralParser {
    private let characters: [Character]
    private var position = 0
    /// How many tuples, lists and dictionaries enclose the current position.
    private var depth = 0
    /// NumPy headers nest two levels (a dictionary holding a shape tuple, or a
    /// structured dtype's list of tuples); a hostile header nesting deeper
    /// must not exhaust the stack.
    private static let maximumDepth = 32

    init(_ text: String) { characters = Array(text) }

    /// Parses `{ key: value, … }` followed by nothing but whitespace.
    mutating func parseHeaderDictionary() throws(PythonSyntaxError) -> [(key: String, value: PythonLiteral)] {
        skipWhitespace()
        guard peek == "{" else { throw error("the header does not start with '{'") }
        guard case .dictionary(let entries) = try parseValue() else { throw error("expected a dictionary") }
        skipWhitespace()
        if position < characters.count { throw error("unexpected '\(characters[position])' after the dictionary") }
        return entries
    }

    private var peek: Character? { position < characters.count ? characters[position] : nil }

    private mutating func skipWhitespace() {
        while let character = peek, character.isWhitespace { position += 1 }
    }

    private func error(_ message: String) -> PythonSyntaxError {
        let excerpt = characters.count <= 200 ? String(characters) : String(characters.prefix(200)) + "…"
        return PythonSyntaxError(message: "\(message) at character \(position + 1) of \"\(excerpt)\"")
    }

    private mutating func expect(_ character: Character) throws(PythonSyntaxError) {
        skipWhitespace()
        guard peek == character else { throw error("expected '\(character)'") }
        position += 1
    }

    private mutating func parseValue() throws(PythonSyntaxError) -> PythonLiteral {
        skipWhitespace()
        guard let character = peek else { throw error("the header ends where a value should be") }
        if "([{".contains(character) {
            guard depth < Self.maximumDepth else { throw error("values nested more than \(Self.maximumDepth) deep") }
            depth += 1
        }
        defer { if "([{".contains(character) { depth -= 1 } }
        switch character {
        case "'", "\"": return .string(try parseString())
        case "(": return .sequence(try parseItems(closedBy: ")"))
        case "[": return .sequence(try parseItems(closedBy: "]"))
        case "{": return try parseDictionary()
        case "-", "+", "0"..."9": return .integer(try parseInteger())
        default: return try parseName()
        }
    }

    /// `'…'` or `"…"`; a backslash takes the next character literally.
    private mutating func parseString() throws(PythonSyntaxError) -> String {
        guard let quote = peek else { throw error("expected a string") }
        let start = position
        position += 1
        var text = ""
        while let character = peek, character != quote {
            if character == "\\" { position += 1 }
            if let literal = peek { text.append(literal) }
            position += 1
        }
        guard peek == quote else {
            position = start
            throw error("a string is not closed")
        }
        position += 1
        return text
    }

    /// A decimal integer; Python 2's `L` suffix (`3L`) is accepted.
    private mutating func parseInteger() throws(PythonSyntaxError) -> Int {
        let start = position
        if peek == "-" || peek == "+" { position += 1 }
        while let character = peek, character.isASCII, character.isNumber { position += 1 }
        let digits = String(characters[start..<position])
        if peek == "L" || peek == "l" { position += 1 }
        guard let value = Int(digits) else {
            position = start
            throw error("'\(digits)' is not an integer this platform can hold")
        }
        return value
    }

    private mutating func parseName() throws(PythonSyntaxError) -> PythonLiteral {
        let start = position
        while let character = peek, character.isLetter || character.isNumber || character == "_" { position += 1 }
        switch String(characters[start..<position]) {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        case let name:
            position = start
            throw error(name.isEmpty ? "unexpected '\(characters[start])'" : "unknown name '\(name)'")
        }
    }

    /// Items of a tuple or list: `(a, b)`, `(a,)`, `()`.
    private mutating func parseItems(closedBy closer: Character) throws(PythonSyntaxError) -> [PythonLiteral] {
        position += 1
        var items: [PythonLiteral] = []
        while true {
            skipWhitespace()
            if peek == closer { position += 1; return items }
            items.append(try parseValue())
            skipWhitespace()
            if peek == "," { position += 1; continue }
            try expect(closer)
            return items
        }
    }

    /// `{ 'key': value, … }` with string keys, any order, optional trailing comma.
    private mutating func parseDictionary() throws(PythonSyntaxError) -> PythonLiteral {
        position += 1
        var entries: [(key: String, value: PythonLiteral)] = []
        while true {
            skipWhitespace()
            if peek == "}" { position += 1; return .dictionary(entries) }
            guard peek == "'" || peek == "\"" else { throw error("expected a quoted key or '}'") }
            let key = try parseString()
            try expect(":")
            entries.append((key, try parseValue()))
            skipWhitespace()
            if peek == "," { position += 1; continue }
            try expect("}")
            return .dictionary(entries)
        }
    }
}
