// Report: Markdown tables with a verdict per row, number formatting, and
// progress messages (on standard error, so standard output is pure Markdown),
// shared by the benchmark programs.

import Foundation

// MARK: - Targets and verdicts

/// The outcome of one row against its target.
public enum Verdict: Sendable {
    case pass, fail, informational

    public var text: String {
        switch self {
        case .pass: "PASS"
        case .fail: "**FAIL**"
        case .informational: "—"
        }
    }
}

/// An upper bound on a ratio.
public struct RatioTarget: Sendable {
    public var maximumRatio: Double

    public init(maximumRatio: Double) { self.maximumRatio = maximumRatio }

    public var text: String { "≤ " + fixed(maximumRatio, 2) }

    public func verdict(_ ratio: Double) -> Verdict { ratio <= maximumRatio ? .pass : .fail }
}

// MARK: - Tables

/// A Markdown table whose rows may carry a verdict.
public struct ResultTable: Sendable {
    public var title: String
    public var header: [String]
    public var rows: [[String]] = []
    public var verdicts: [Verdict] = []
    public var notes: [String] = []

    public init(title: String, header: [String]) {
        self.title = title
        self.header = header
    }

    public mutating func append(_ cells: [String], verdict: Verdict = .informational) {
        precondition(cells.count == header.count, "A row of \(cells.count) cells in a table of \(header.count) columns")
        rows.append(cells)
        verdicts.append(verdict)
    }

    public var markdown: String {
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
public func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// A duration with three significant digits and a readable unit (ns, µs, ms, s).
public func duration(_ seconds: Double) -> String {
    if seconds.isNaN { return "—" }
    let magnitude = abs(seconds)
    let (scale, unit): (Double, String) =
        magnitude < 1e-6 ? (1e9, "ns") : magnitude < 1e-3 ? (1e6, "µs") : magnitude < 1 ? (1e3, "ms") : (1, "s")
    let scaled = magnitude * scale
    let decimals = scaled < 10 ? 2 : scaled < 100 ? 1 : 0
    return (seconds < 0 ? "−" : "") + fixed(scaled, decimals) + " " + unit
}

/// Writes a progress line to standard error.
public func progress(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

// MARK: - The run around the tables

/// What every program prints around its tables: a header (title, machine, load
/// average, the command as typed) and a closing summary (targets passed, run
/// time, the load others put on the CPUs, the checksum of consumed results).
public struct RunReport {
    /// "linalg-bench".
    public let program: String
    /// The machine, read when the run started.
    public let machine: MachineDescription
    private let started: UInt64
    private let competingLoad: CompetingLoadMonitor

    /// Starts the clock and the load monitor of a run.
    public init(program: String) {
        self.program = program
        machine = MachineDescription.current()
        started = monotonicNanoseconds()
        competingLoad = CompetingLoadMonitor()
    }

    /// The arguments as typed (without the program name), or "default".
    public var arguments: [String] { Array(CommandLine.arguments.dropFirst()) }

    /// Seconds since the run started.
    public var elapsedSeconds: Double { Double(monotonicNanoseconds() - started) * 1e-9 }

    /// Prints the title, the machine, the load average and `- Run: \`arguments\`, <details>`.
    /// - Parameter details: how the run measures (seed, repetitions…); may span several lines.
    public func printHeader(_ details: String) {
        print("# \(program) results\n")
        print(machine.markdown)
        print("- Load average (1, 5, 15 min) at start: \(loadAverage())")
        print("- Run: `\(arguments.isEmpty ? "default" : arguments.joined(separator: " "))`, \(details)")
    }

    /// Prints every table, then the summary line.
    /// - Parameters:
    ///   - tables: the results, in order.
    ///   - targets: what the verdicts are called in the summary ("targets", "HVP targets").
    ///   - remark: said after the count of targets (e.g. that no framework results were given).
    public func printTablesAndSummary(_ tables: [ResultTable], targets: String = "targets", remark: String = "") {
        for table in tables { print("\n" + table.markdown) }
        let verdicts = tables.flatMap(\.verdicts)
        let passed = verdicts.filter { $0 == .pass }.count
        let failed = verdicts.filter { $0 == .fail }.count
        let count =
            passed + failed > 0 ? "\(passed) of \(passed + failed) \(targets) pass\(failed > 0 ? ", \(failed) FAIL" : "")" : ""
        let opening = [count, remark].filter { !$0.isEmpty }.joined(separator: " ")
        print(
            "\n**Summary:** \(opening.isEmpty ? "" : opening + "; ")total run time \(fixed(elapsedSeconds, 0)) s. "
                + "During the run \(competingLoad.summary()); load average at the end \(loadAverage()). "
                + "(Checksum of consumed results: \(checksumOfConsumedResults()).)")
    }
}
