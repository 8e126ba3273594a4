// TheoryCheck: every claim of THEORY.md §§1–6 and §8 about bowls, checked by
// running the optimizers of DescentOptimizers and comparing with the
// prediction, with the tolerance used and a pass/fail verdict.
//
// Design note. A claim is a small closure that builds its bowl, runs the
// optimizer and returns predicted and measured values; the runner only
// counts, reports progress and collects. Levels trade coverage for time:
// `.quick` (seconds, what the unit tests run), `.standard` (the issue's grid:
// d ∈ {100, 1000}, κ ∈ {10, …, 10⁴}; a minute or two in a release build).

import DescentLinalg
import Foundation

/// The outcome of one claim.
public struct TheoryCheckResult: Sendable, Hashable, Codable {
    /// The section of THEORY.md, such as "§1 gradient descent".
    public var section: String
    /// What the theory says, in words.
    public var claim: String
    /// The bowl and method the claim was checked on.
    public var setting: String
    /// The predicted value (a rate, a count, a bound).
    public var predicted: Double
    /// The measured value.
    public var measured: Double
    /// How they are compared, in words (for example "|ln ρ̂/ln ρ − 1| ≤ 0.01").
    public var criterion: String
    /// Whether the criterion held.
    public var passed: Bool
}

/// A suite of checks of the convergence theory against the optimizers.
///
/// ```swift
/// let report = try TheoryCheck(level: .quick).run()
/// print(report.table())
/// try report.writeJSON(to: "theory-check.json")
/// ```
public struct TheoryCheck: Sendable {
    /// How much to check.
    public enum Level: String, Sendable, Hashable, Codable, CaseIterable {
        /// A representative subset (d = 100, κ ∈ {10, 1000}): seconds.
        case quick
        /// The issue's grid: d ∈ {100, 1000}, κ ∈ {10, 100, 1000, 10⁴}, every method.
        case standard
    }

    /// The level.
    public var level: Level
    /// The seed of every random rotation, start and batch draw.
    public var seed: UInt64

    public init(level: Level = .standard, seed: UInt64 = 0) {
        self.level = level
        self.seed = seed
    }

    /// The bowls' dimensions at this level.
    public var dimensions: [Int] { level == .quick ? [100] : [100, 1000] }
    /// The bowls' condition numbers at this level.
    public var conditionNumbers: [Double] { level == .quick ? [10, 1000] : [10, 100, 1000, 10_000] }
    /// The most steps one rate measurement may take (runs that need more measure fewer e-folds).
    public var stepBudget: Int { level == .quick ? 20_000 : 400_000 }

    /// Runs every claim.
    /// - Parameter progress: called before each claim group with (finished, total, what is next).
    /// - Throws: `ConvergenceError` only when a check cannot be set up (a bug, or bad data files);
    ///   claims that do not hold are reported as failed, not thrown.
    public func run(progress: ((Int, Int, String) -> Void)? = nil) throws(ConvergenceError) -> TheoryReport {
        let groups = claimGroups()
        var results: [TheoryCheckResult] = []
        let started = ContinuousClock.now
        for (index, group) in groups.enumerated() {
            progress?(index, groups.count, group.name)
            results += try group.run()
        }
        progress?(groups.count, groups.count, "done")
        let elapsed = ContinuousClock.now - started
        return TheoryReport(
            level: level, seed: seed, results: results,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}

/// A named batch of claims, run together because they share a bowl.
struct ClaimGroup {
    let name: String
    let run: () throws(ConvergenceError) -> [TheoryCheckResult]
}

/// The results of a ``TheoryCheck`` run.
public struct TheoryReport: Sendable, Codable {
    /// The level that was run.
    public var level: TheoryCheck.Level
    /// The seed.
    public var seed: UInt64
    /// Every claim's outcome, in order.
    public var results: [TheoryCheckResult]
    /// Wall-clock seconds of the whole run.
    public var seconds: Double

    /// How many claims held.
    public var passedCount: Int { results.filter(\.passed).count }
    /// The claims that did not hold.
    public var failures: [TheoryCheckResult] { results.filter { !$0.passed } }
    /// Whether every claim held.
    public var allPassed: Bool { failures.isEmpty }

    /// A plain-text table, one claim per line, then a summary line.
    public func table() -> String {
        let headers = ["", "section", "claim", "setting", "predicted", "measured", "criterion"]
        let rows = results.map { r in
            [r.passed ? "ok" : "FAIL", r.section, r.claim, r.setting, format(r.predicted), format(r.measured), r.criterion]
        }
        var widths = headers.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var lines = [line(headers)]
        lines += rows.map(line)
        lines.append(
            "\(passedCount) of \(results.count) claims hold (\(level.rawValue) level, seed \(seed), \(String(format: "%.1f", seconds)) s)")
        return lines.joined(separator: "\n")
    }

    /// The report as pretty-printed JSON.
    public func jsonData() throws(ConvergenceError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try encoder.encode(self) } catch { throw .invalidProblem("cannot encode the report: \(error)") }
    }

    /// Writes the JSON report atomically (a temporary file renamed into place).
    public func writeJSON(to path: String) throws {
        try AtomicFileWriter.write(Array(try jsonData()), to: path)
    }
}

/// Numbers in the table: 7 significant digits, exponent form outside [1e-3, 1e6).
private func format(_ value: Double) -> String {
    if value.isNaN { return "—" }
    if value.isInfinite { return value > 0 ? "∞" : "−∞" }
    let magnitude = abs(value)
    if value == value.rounded(), magnitude < 1e9 { return String(Int(value)) }
    return magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) ? String(format: "%.4e", value) : String(format: "%.7g", value)
}
