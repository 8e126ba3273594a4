// What the eigen subcommands share: number formatting, aligned tables, the
// `--json FILE|-` convention, the memory limit and the progress stages.
//
// Design note. Tables go to standard output, progress and errors to standard
// error, so `eigen spectrum H.npy > report.txt` captures only the report.
// `--json -` writes the JSON to standard output INSTEAD of the table (one
// machine-readable document, nothing else); `--json FILE` writes the file
// atomically and keeps the table. JSON numbers that are ±∞ or NaN (κ of a
// singular matrix) are written as the strings "Infinity", "-Infinity", "NaN",
// which Python's `float()` reads back.

import ArgumentParser
import CommandLineSupport
import Descent
import Foundation

// MARK: - Numbers

extension Double {
    /// Six significant digits; "∞" for infinity.
    var shown: String {
        if self == .infinity { return "∞" }
        if self == -.infinity { return "−∞" }
        if isNaN { return "NaN" }
        return String(format: "%.6g", self)
    }
}

extension Double {
    /// A rate ρ < 1 with enough digits that 1 − ρ shows (0.99999998, not 1).
    var rateShown: String {
        guard isFinite, self < 1, self > 0.999 else { return shown }
        return String(format: "%.*f", 3 + Int((-Foundation.log10(1 - self)).rounded(.up)), self)
    }
}

extension Optional where Wrapped == Double {
    /// The value, or "unknown".
    var shown: String { map(\.shown) ?? "unknown" }
}

extension Optional where Wrapped == Int {
    /// The value, or "?".
    var shown: String { map(String.init) ?? "?" }
}

// MARK: - Tables

/// Rows of cells printed with every column padded to its widest cell.
struct Table {
    var rows: [[String]] = []

    mutating func add(_ cells: String...) { rows.append(cells) }

    /// The lines, each indented by `indent` spaces, columns two spaces apart.
    func render(indent: Int = 2) -> String {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            return String(repeating: " ", count: indent) + cells.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

// MARK: - Shared options

/// `--json` and `--memory-limit`, the options every analysing subcommand takes.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write everything as JSON to FILE; '-' writes only the JSON, to standard output.",
            valueName: "FILE"))
    var json: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Refuse inputs whose decomposition needs more than this many GiB (default: the machine's physical memory).",
            valueName: "GiB"))
    var memoryLimit: Double?

    @Flag(name: .long, help: "Do not show progress on standard error (it appears only for large inputs).")
    var quiet = false

    func validate() throws {
        if let memoryLimit, !(memoryLimit > 0 && memoryLimit.isFinite) {
            throw ValidationError("--memory-limit must be a positive number of GiB, got \(memoryLimit)")
        }
        if json?.isEmpty == true { throw ValidationError("--json needs a file name, or '-' for standard output") }
    }

    /// The memory budget in bytes.
    var memoryLimitBytes: Double { memoryLimit.map { $0 * 1_073_741_824 } ?? SystemMemory.physicalBytes }

    /// Whether the table goes to standard output (not when the JSON does).
    var printsTable: Bool { json != "-" }

    /// Writes `value` as pretty JSON to the `--json` destination, if any.
    func writeJSON<Value: Encodable>(_ value: Value) throws {
        guard let json else { return }
        let text = try OutputFile.jsonText(value)
        if json == "-" { print(text, terminator: "") } else { try OutputFile.write(text, to: json) }
    }
}

// MARK: - Progress

/// Named stages of a long run on one progress line, shown only when `enabled`.
struct Stages {
    private var line: ProgressLine
    private var done = 0

    init(_ label: String, count: Int, enabled: Bool) {
        line = ProgressLine(label, total: count, enabled: enabled, plainInterval: 0)
    }

    /// Announces the next stage.
    mutating func begin(_ message: String) {
        line.update(done: done, message)
        done += 1
    }

    /// Clears the line before results are printed.
    mutating func finish() {
        line.update(done: done, "done")
        line.finish()
    }
}
