// SVGBuilder: the only place that turns strings and numbers into SVG text.
//
// Design note. Goals, in order: (1) the output is always well-formed XML,
// whatever text a caller passes (titles, series names); (2) numbers are
// written short and the same on every machine (no locale, no Foundation);
// (3) the file reads well in a text editor, one element per line.

/// Accumulates SVG elements, one per line, escaping every text and attribute value.
struct SVGBuilder {
    private(set) var lines: [String] = []
    private var depth = 0

    /// `<name a="v" …/>`, or `<name …>text</name>` when `text` is given.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        let opening = "<\(name)\(Self.attributeText(attributes))"
        if let text {
            append("\(opening)>\(escapeXML(text))</\(name)>")
        } else {
            append("\(opening)/>")
        }
    }

    /// Opens `<name …>`; close it with ``close(_:)``.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        append("<\(name)\(Self.attributeText(attributes))>")
        depth += 1
    }

    /// Closes the element opened last.
    mutating func close(_ name: String) {
        depth -= 1
        append("</\(name)>")
    }

    /// Appends one line of markup that is already escaped.
    mutating func append(_ markup: String) {
        lines.append(String(repeating: "  ", count: max(depth, 0)) + markup)
    }

    /// The document text.
    var text: String { lines.joined(separator: "\n") + "\n" }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escapeXML($0.1))\"" }.joined()
    }
}

// MARK: - Escaping

/// `text` made safe for XML character data and attribute values.
///
/// `&`, `<`, `>`, `"` and `'` become entity references. Characters that XML 1.0
/// forbids anywhere (control characters other than tab, line feed and carriage
/// return; U+FFFE, U+FFFF) become U+FFFD, the replacement character, so any
/// string gives a well-formed document.
func escapeXML(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
        default:
            let value = scalar.value
            if value < 0x20 || value == 0xFFFE || value == 0xFFFF {
                result += "\u{FFFD}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result
}

// MARK: - Numbers

/// A coordinate with at most two decimals and no trailing zeros: `12.5`, `-3`, `0.07`.
///
/// Values beyond ±10⁷ are clamped there (callers clip geometry before this, so
/// only a stray value far off the canvas can reach the clamp); NaN becomes 0.
func coordinate(_ value: Double) -> String {
    guard !value.isNaN else { return "0" }
    let hundredths = Int((min(max(value, -1e7), 1e7) * 100).rounded())
    return fixed(hundredths, decimals: 2)
}

/// `units / 10^decimals` written with up to `decimals` decimals, trailing zeros removed.
func fixed(_ units: Int, decimals: Int) -> String {
    if units == 0 { return "0" }
    let sign = units < 0 ? "-" : ""
    var divisor = 1
    for _ in 0..<decimals { divisor *= 10 }
    let magnitude = units.magnitude
    let whole = magnitude / UInt(divisor)
    if decimals <= 0 { return "\(sign)\(whole)" }
    var fraction = String(magnitude % UInt(divisor))
    fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
}
