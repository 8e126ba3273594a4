// Report: Markdown tables with a verdict per row, number formatting, and
// progress messages (on standard error, so standard output is pure Markdown).
// The table and formatting helpers are linalg-bench's.

import Foundation

// MARK: - Targets and verdicts

/// The outcome of one row against its target.
enum Verdict {
    case pass, fail, informational

    var text: String {
        switch self {
        case .pass: "PASS"
        case .fail: "**FAIL**"
        case .informational: "—"
        }
    }
}

/// An upper bound on a ratio.
struct RatioTarget {
    var maximumRatio: Double

    var text: String { "≤ " + fixed(maximumRatio, 2) }

    func verdict(_ ratio: Double) -> Verdict { ratio <= maximumRatio ? .pass : .fail }
}

// MARK: - Tables

/// A Markdown table whose rows may carry a verdict.
struct ResultTable {
    var title: String
    var header: [String]
    var rows: [[String]] = []
    var verdicts: [Verdict] = []
    var notes: [String] = []

    init(title: String, header: [String]) {
        self.title = title
        self.header = header
    }

    mutating func append(_ cells: [String], verdict: Verdict = .informational) {
        precondition(cells.count == header.count, "A row of \(cells.count) cells in a table of \(header.count) columns")
        rows.append(cells)
        verdicts.append(verdict)
    }

    var markdown: String {
        var lines = ["### \(title)", ""]
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
        if !notes.isEmpty {
            lines.append("")
            lines.append(contentsOf: notes)
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Formatting

/// `value` with `decimals` digits after the point.
func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// A duration with three significant digits and a readable unit (ns, µs, ms, s).
func duration(_ seconds: Double) -> String {
    if seconds.isNaN { return "—" }
    let magnitude = abs(seconds)
    let (scale, unit): (Double, String) =
        magnitude < 1e-6 ? (1e9, "ns") : magnitude < 1e-3 ? (1e6, "µs") : magnitude < 1 ? (1e3, "ms") : (1, "s")
    let scaled = magnitude * scale
    let decimals = scaled < 10 ? 2 : scaled < 100 ? 1 : 0
    return (seconds < 0 ? "−" : "") + fixed(scaled, decimals) + " " + unit
}

/// A ratio with two decimals, or a dash when it is unknown.
func ratioText(_ ratio: Double?) -> String {
    guard let ratio, ratio.isFinite else { return "—" }
    return fixed(ratio, 2)
}

/// The median and quartiles of paired ratios, as `1.01 (0.99–1.02)`: a
/// cross-check of the ratio of medians that is less sensitive to slow drift,
/// and a measure of how noisy the ratio is.
func ratioSummary(_ ratios: [Double]) -> String {
    fixed(median(ratios), 2) + " (" + fixed(quantile(ratios, 0.25), 2) + "–" + fixed(quantile(ratios, 0.75), 2) + ")"
}

/// A count with thousands separators: 269,322.
func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return result
}

/// Writes a progress line to standard error.
func progress(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
