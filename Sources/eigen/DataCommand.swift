// `eigen data FILE.csv`: how input preprocessing changes the conditioning of
// the least-squares Hessian XᵀX/N (LeCun, Bottou, Orr & Müller 1998).
//
// Design note. All numbers come from `DataConditioningAnalysis` (which uses
// `ConditioningReport` and DescentTraining's CSV loader); this file turns
// `--target` into a `TargetColumn` and prints the table. A bundled data set's
// name (digits, wine, breast_cancer, diabetes) is accepted in place of a path
// when no such file exists, so the guide's examples run anywhere.

import ArgumentParser
import CommandLineSupport
import Descent
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Condition number of a data set's least-squares Hessian XᵀX/N: raw, centred and standardized.",
        discussion: """
            FILE.csv has one example per row (a header row is detected); every column but the target is a \
            feature. For each preprocessing prints λmin and λmax of H = XᵀX/N, κ = λmax/λmin (∞ when H is \
            singular), gradient descent's rate (κ − 1)/(κ + 1) at the optimal step 2/(λmin + λmax) and the \
            iterations it needs to reduce the error by 1e-6 (LeCun et al. 1998; THEORY.md §8). Constant columns \
            are dropped (they make H singular whatever the preprocessing). FILE may also be the name of a data set \
            bundled with Descent: digits, wine, breast_cancer, diabetes.
            """)

    @Argument(help: ArgumentHelp("The data set: a CSV file, or a bundled data set's name.", valueName: "FILE.csv"))
    var file: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The target column, left out of the features: a header name, or a position counting from 1 (default: the last).",
            valueName: "COLUMN"))
    var target: String?

    @Flag(name: .long, help: "Append a bias column of ones to the features (the Hessian of a model with an intercept).")
    var intercept = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let target, let position = Int(target), position < 1 {
            throw ValidationError("--target \(target): a column position counts from 1")
        }
    }

    func run() throws {
        let column: TargetColumn =
            switch target {
            case nil: .last
            case let name? where Int(name) == nil: .named(name)
            case let position?: .at(Int(position)! - 1)
            }
        let analysis: DataConditioningAnalysis
        if !FileManager.default.fileExists(atPath: file), let bundled = BundledDataset(rawValue: file) {
            guard target == nil else {
                throw ValidationError("--target is fixed for the bundled data set '\(file)' (its last column)")
            }
            analysis = try DataConditioningAnalysis(
                try Dataset<Double>.load(bundled), source: "\(file) (bundled)", intercept: intercept)
        } else {
            do {
                analysis = try DataConditioningAnalysis(
                    csv: file, targetColumn: column, intercept: intercept, memoryLimit: output.memoryLimitBytes)
            } catch let DatasetError.targetColumnOutOfRange(index, columns) {
                // The library counts from 0; --target counts from 1.
                throw TargetOutOfRange(position: index + 1, columns: columns, file: file)
            }
        }
        try output.writeJSON(analysis)
        if output.printsTable { print(Self.render(analysis)) }
    }

    static func render(_ analysis: DataConditioningAnalysis) -> String {
        let target = analysis.targetName.map { "target '\($0)'" } ?? "target: the left-out column"
        var lines = [
            "\(analysis.source): \(analysis.examples) examples, \(analysis.featureCount) features, \(target)"
                + (analysis.intercept ? ", with a bias column" : ""),
            "Hessian of least squares H = XᵀX/N (LeCun et al. 1998; THEORY.md §8):", "",
        ]
        var table = Table()
        table.add("inputs", "λmin", "λmax", "κ", "GD rate at 2/(λmin+λmax)", "GD steps to 1e-6")
        for report in analysis.reports {
            table.add(
                report.preprocessing.rawValue, report.smallestEigenvalue.shown, report.largestEigenvalue.shown,
                report.conditionNumber.shown, report.optimalRate.rateShown,
                report.predictedIterations.map(String.init) ?? "never (κ = ∞)")
        }
        lines.append(table.render())
        if let dropped = analysis.reports.first?.droppedColumns, !dropped.isEmpty {
            let names = dropped.map { index in analysis.featureNames.map { "'\($0[index])'" } ?? "feature \(index + 1)" }
            lines.append("")
            lines.append(
                "  dropped \(dropped.count) constant column\(dropped.count == 1 ? "" : "s"): \(names.joined(separator: ", "))")
        }
        lines.append("")
        lines.append("  κ on |λ|; an eigenvalue ≤ n·ε·λmax counts as zero (κ = ∞, GD never reaches every direction).")
        return lines.joined(separator: "\n")
    }
}

/// `--target N` beyond the file's columns, said in the option's own 1-based counting.
struct TargetOutOfRange: Error, CustomStringConvertible {
    var position: Int
    var columns: Int
    var file: String
    var description: String {
        "--target \(position): \(file) has \(columns) columns, so a position must be between 1 and \(columns)"
    }
}
