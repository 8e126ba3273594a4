// JSONParser: JSON text (RFC 8259) read from UTF-8 bytes, for the headers of
// safetensors files.
//
// Design note. DescentLinalg stays free of Foundation, and a header is small,
// so a recursive-descent parser over the bytes is enough. Goals, in order:
// (1) accept exactly JSON, so files other tools read are read and files they
// refuse are refused; (2) say what is wrong at which byte, quoting the text
// there; (3) survive hostile input: nesting is limited, so a deep header
// cannot exhaust the stack. Duplicate keys are refused (a tensor named twice
// is ambiguous); numbers are kept as text for the caller to interpret.

// MARK: - Values

/// A JSON value; numbers keep their text.
enum JSONValue: CustomStringConvertible {
    case string(String)
    case number(String)
    case boolean(Bool)
    case null
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The value as compact JSON, cut after 80 characters, for messages.
    var description: String {
        let text = json
        return text.count <= 80 ? text : String(text.prefix(80)) + "…"
    }

    /// `text` as a JSON string, escaped as serde_json escapes it.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{8}": result += "\\b"
            case "\u{C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    private var json: String {
        switch self {
        case .string(let text): Self.quoted(text)
        case .number(let text): text
        case .boolean(let value): value ? "true" : "false"
        case .null: "null"
        case .array(let items): "[" + items.map(\.json).joined(separator: ", ") + "]"
        case .object(let entries):
            "{" + entries.map { Self.quoted($0.key) + ": " + $0.value.json }.joined(separator: ", ") + "}"
        }
    }
}

// MARK: - Parsing

/// What the JSON parser could not read, with the byte position.
struct JSONSyntaxError: Error {
    let message: String
}

/// A recursive-descent parser for JSON text given as UTF-8 bytes.
struct JSONParser {
    private let bytes: [UInt8]
    private var position = 0
    /// How many arrays and objects enclose the current position.
    private var depth = 0
    /// A header nests three levels (header, tensor, shape); a hostile one
    /// nesting deeper must not exhaust the stack.
    private static let maximumDepth = 32

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = Array(bytes) }

    /// Parses `{ "key": value, … }` followed by nothing but whitespace (the padding).
    mutating func parseObjectDocument() throws(JSONSyntaxError) -> [(key: String, value: JSONValue)] {
        skipWhitespace()
        guard peek == UInt8(ascii: "{") else { throw error("the header does not start with '{'") }
        guard case .object(let entries) = try parseValue() else { throw error("expected an object") }
        skipWhitespace()
        if position < bytes.count { throw error("unexpected text after the header's object") }
        return entries
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    /// The message with the byte position (counting from 1) and the text there.
    private func error(_ message: String) -> JSONSyntaxError {
        let excerpt = String(decoding: bytes[position..<min(position + 24, bytes.count)], as: UTF8.self)
        let near = position < bytes.count ? " near '\(excerpt)'" : " (its end)"
        return JSONSyntaxError(message: "\(message) at byte \(position + 1) of the header\(near)")
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(JSONSyntaxError) {
        skipWhitespace()
        guard peek == UInt8(ascii: character) else { throw error("expected '\(character)'") }
        position += 1
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard let byte = peek else { throw error("the header ends where a value should be") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw error("values nested more than \(Self.maximumDepth) deep") }
            depth += 1
            defer { depth -= 1 }
            return byte == UInt8(ascii: "[") ? try parseArray() : try parseObject()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: return try parseLiteral()
        }
    }

    /// `"…"` with JSON's escapes; a `\u` surrogate pair becomes one character.
    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = position
        position += 1
        var utf8: [UInt8] = []
        while let byte = peek, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20 else { throw error("a control character in a string must be escaped") }
            position += 1
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                continue
            }
            guard let escaped = peek else { break }
            position += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8 += Array(String(try parseUnicodeEscape()).utf8)
            default:
                position -= 2
                throw error("unknown escape in a string")
            }
        }
        guard peek == UInt8(ascii: "\"") else {
            position = start
            throw error("a string is not closed")
        }
        position += 1
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The character of `\uXXXX` (the `\u` already read), joining a surrogate pair.
    private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let first = try parseHexQuad()
        var value = first
        if (0xD800...0xDBFF).contains(first) {
            guard peek == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                throw error("a \\u escape of a high surrogate must be followed by a low surrogate")
            }
            position += 2
            let second = try parseHexQuad()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw error("a \\u escape of a high surrogate must be followed by a low surrogate")
            }
            value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { throw error("a \\u escape is a lone low surrogate") }
        return scalar
    }

    /// Four hexadecimal digits.
    private mutating func parseHexQuad() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw error("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = position
        func digits() -> Int {
            let first = position
            while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
            return position - first
        }
        if peek == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        let integerDigits = digits()
        var isValid = integerDigits > 0 && (integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0"))
        if peek == UInt8(ascii: ".") {
            position += 1
            isValid = isValid && digits() > 0
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            isValid = isValid && digits() > 0
        }
        guard isValid else {
            position = start
            throw error("a malformed number")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// `true`, `false` or `null`.
    private mutating func parseLiteral() throws(JSONSyntaxError) -> JSONValue {
        for (word, value) in [("true", JSONValue.boolean(true)), ("false", .boolean(false)), ("null", .null)] {
            let end = position + word.utf8.count
            if end <= bytes.count, bytes[position..<end].elementsEqual(word.utf8) {
                position = end
                return value
            }
        }
        throw error("expected a value")
    }

    /// `[ value, … ]`.
    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect("]")
            return .array(items)
        }
    }

    /// `{ "key": value, … }`; a key given twice is an error.
    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        position += 1
        var entries: [(key: String, value: JSONValue)] = []
        var keys: Set<String> = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            position += 1
            return .object(entries)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let keyStart = position
            let key = try parseString()
            guard keys.insert(key).inserted else {
                position = keyStart
                throw error("the key \(JSONValue.quoted(key)) appears twice")
            }
            try expect(":")
            entries.append((key, try parseValue()))
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect("}")
            return .object(entries)
        }
    }
}
