// BowlSweepReport: a sweep's rows as a terminal table, CSV and JSON.
//
// Design note. The table is for reading (one line per run, grouped by bowl,
// numbers to 4–5 significant digits, "—" where there is nothing to show); the
// CSV is for spreadsheets (one header, plain numbers, empty cells for none);
// the JSON is everything, curves included, for plotting elsewhere. All three
// are produced from the same rows, so they cannot disagree.

import DescentLinalg
import Foundation

/// The result of a ``BowlSweep``.
public struct BowlSweepReport: Sendable, Codable {
    /// What was swept.
    public var configuration: BowlSweep.Configuration
    /// Every run, in sweep order.
    public var runs: [BowlSweepRun]

    /// Creates a report from runs.
    public init(configuration: BowlSweep.Configuration, runs: [BowlSweepRun]) {
        self.configuration = configuration
        self.runs = runs
    }

    /// The runs whose prediction failed.
    public var failures: [BowlSweepRun] { runs.filter { $0.held == false } }

    /// Whether no prediction failed.
    public var allHeld: Bool { failures.isEmpty }

    // MARK: - Table

    /// An aligned table, one block per bowl.
    ///
    /// Columns: method, iterations to the tolerance (with the theory's count), what is measured
    /// (ρ̂ for rates, the final error for adaptive methods, mean ‖e‖² for SGD), the prediction, their
    /// ratio, ln ρ̂/ln ρ for rates (the ratio of iteration counts, which the verdict uses), the verdict,
    /// and microseconds per iteration.
    public func table() -> String {
        let header = ["method", "iters", "theory", "quantity", "measured", "predicted", "ratio", "ln ratio", "held", "µs/iter"]
        var lines: [String] = []
        var currentBowl = ""
        var block: [[String]] = []
        func flush() {
            guard !block.isEmpty else { return }
            lines.append("")
            lines.append(currentBowl)
            lines.append(contentsOf: aligned([header] + block, rightAligned: [1, 2, 4, 5, 6, 7, 9]))
            block = []
        }
        for run in runs {
            let bowl = "d=\(run.dimension) κ=\(run.conditionNumber.short) \(run.spectrum.rawValue)-spectrum"
            if bowl != currentBowl {
                flush()
                currentBowl = bowl
            }
            block.append(row(run))
        }
        flush()
        let judged = runs.filter { $0.held != nil }
        lines.append("")
        lines.append(
            "\(judged.count - failures.count) of \(judged.count) predictions held; tolerance \(configuration.tolerance.short), seed \(configuration.seed)."
        )
        for failure in failures {
            lines.append("  FAILED: \(failure.bowlLabel), \(failure.method.label): \(failure.criterion)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func row(_ run: BowlSweepRun) -> [String] {
        var name = run.method.label
        if run.method.family == .adaptive { name += " (\(run.basis))" }
        let iterations = run.iterations.map(String.init) ?? (run.diverged ? "diverged" : "> \(run.steps)")
        let predictedIterations = run.predictedIterations.map(String.init) ?? "—"
        let quantity: String
        switch run.quantity {
        case .rate: quantity = "rate ρ"
        case .rateBound: quantity = "rate ≤ q"
        case .finalError: quantity = "final error"
        case .meanSquaredError: quantity = "E‖e‖²"
        }
        let measured = run.measured.map(format) ?? "—"
        let predicted = run.predicted.map { format($0) } ?? "—"
        let ratio = run.ratio.map { String(format: "%.4f", $0) } ?? "—"
        let logRatio = run.exponentRatio.map { String(format: "%.4f", $0) } ?? "—"
        let held = run.held.map { $0 ? "yes" : "NO" } ?? "—"
        let micro = String(format: "%.1f", run.secondsPerIteration * 1e6)
        return [name, iterations, predictedIterations, quantity, measured, predicted, ratio, logRatio, held, micro]
    }

    private func format(_ value: Double) -> String {
        if value == 0 || (abs(value) >= 1e-3 && abs(value) < 1e5) {
            // Rates near 1 need their digits: 0.99980 vs 0.99990.
            return abs(value) > 0.9 && abs(value) < 1 ? String(format: "%.6f", value) : String(format: "%.5g", value)
        }
        return String(format: "%.3e", value)
    }

    // MARK: - CSV and JSON

    /// One header line and one line per run; empty cells where there is no value.
    public func csv() -> String {
        var lines = [
            "dimension,condition_number,spectrum,basis,method,learning_rate,momentum,iterations,predicted_iterations,steps,final_relative_error,quantity,measured,predicted,ratio,exponent_ratio,held,seconds_per_iteration"
        ]
        for run in runs {
            let cells: [String] = [
                "\(run.dimension)", number(run.conditionNumber), run.spectrum.rawValue, run.basis, run.method.rawValue,
                number(run.hyperparameters["learningRate"]), number(run.hyperparameters["momentum"]),
                run.iterations.map(String.init) ?? "", run.predictedIterations.map(String.init) ?? "", "\(run.steps)",
                number(run.finalRelativeError), run.quantity.rawValue, number(run.measured), number(run.predicted),
                number(run.ratio), number(run.exponentRatio), run.held.map { $0 ? "true" : "false" } ?? "",
                number(run.secondsPerIteration),
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return value == nil ? "" : "\(value!)" }
        return "\(value)"
    }

    /// The whole report as JSON (sorted keys; non-finite numbers as the strings "Infinity", "-Infinity", "NaN",
    /// as every Descent program writes them).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }
}

/// Pads columns to equal width (left-aligned text, right-aligned numbers), two spaces apart.
func aligned(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
        row.enumerated().map { i, cell in
            let padding = String(repeating: " ", count: widths[i] - cell.count)
            return rightAligned.contains(i) ? padding + cell : cell + padding
        }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
}
