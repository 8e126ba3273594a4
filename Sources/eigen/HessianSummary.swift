// HessianSummary: the readable text `eigen hessian` prints on standard output.
//
// Formatting only: every number and verdict comes from HessianReport.

import Descent
import Foundation

struct HessianSummary {
    var report: HessianReport
    var problem: HessianProblem
    var checkpoint: ModelCheckpoint<Double>
    var dataPath: String
    var density: String?
    var json: String?

    var text: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 22, withPad: " ", startingAt: 0) + value)
        }
        let descriptionSource =
            switch checkpoint.source {
            case .file: "described in the file"
            case .given: "from --architecture"
            case .inferred: "inferred from the tensor shapes"
            }
        row("model", "\(checkpoint.path) (\(descriptionSource))")
        row(
            "data",
            problem.data.count == problem.availableExamples
                ? "\(dataPath) (\(problem.data.count) examples)"
                : "\(dataPath) (\(problem.data.count) of \(problem.availableExamples) examples)")
        row("parameters P", "\(report.parameterCount)")
        row("loss", "\(report.loss) (\(lossSourceText)) = \(format(report.lossValue))")
        row(
            "gradient norm",
            "‖∇L‖ = \(format(report.gradientNorm))\(report.gradientNorm < 1e-3 * max(1, report.lossValue) ? " (near a critical point)" : " (not a critical point: ∇L ≠ 0, so not yet a minimum)")"
        )
        row("method", methodText)
        if !report.top.isEmpty {
            lines.append("largest eigenvalues")
            lines += eigenvalueLines(report.top)
        }
        if !report.bottom.isEmpty {
            lines.append("smallest eigenvalues")
            lines += eigenvalueLines(report.bottom)
        }
        if report.method != .hutchinson && report.method != .slq {
            row("curvature", report.curvature)
            row("κ = λmax/λmin", report.conditionNumber.map(format) ?? "undefined (indefinite)")
            if let positive = report.conditionNumberOfPositivePart, report.conditionNumber != positive {
                row("κ on λ > 0", format(positive) + " (largest over the smallest positive eigenvalue)")
            }
        }
        if let trace = report.trace {
            if trace.source == "exact" {
                row("trace", "\(format(trace.value)) (exact, Σλ)")
            } else {
                let level = Int(((trace.confidenceLevel ?? 0.95) * 100).rounded())
                row(
                    "trace",
                    "\(format(trace.value)), \(level)% interval [\(format(trace.lower)), \(format(trace.upper))] (Hutchinson, \(trace.probes ?? 0) probes)"
                )
            }
        }
        if let range = report.densityRange {
            row("SLQ node range", "[\(format(range[0])), \(format(range[1]))]")
        }
        if let sharpness = report.sharpness, let largest = report.top.first {
            row(
                "sharpness",
                "λmax = \(format(largest.value)) vs 2/η = \(format(sharpness.threshold)) (η = \(format(sharpness.learningRate))): λmax·η/2 = \(format(sharpness.ratio))"
            )
            row("", sharpness.verdict)
        }
        if let blocks = report.layers {
            lines.append("layer blocks (diagonal blocks H_BB)")
            lines.append(
                "  "
                    + ["block", "parameters", "P_B", "top eigenvalue", "trace"].enumerated().map { index, title in
                        title.padding(toLength: [7, 26, 7, 26, 14][index], withPad: " ", startingAt: 0)
                    }.joined())
            for block in blocks {
                let top = format(block.top.value) + (block.top.residualBound.map { " ± " + format($0) } ?? "")
                let cells = [
                    block.name, block.parameters.joined(separator: ", "), "\(block.parameterCount)", top,
                    format(block.trace) + (block.traceSource == "exact" ? "" : " (est.)"),
                ]
                lines.append(
                    "  "
                        + cells.enumerated().map { index, cell in
                            cell.padding(toLength: max([7, 26, 7, 26, 14][index], cell.count + 1), withPad: " ", startingAt: 0)
                        }.joined())
            }
        }
        row("products", "\(report.hessianVectorProducts) Hessian-vector products")
        if let density { row("density", "written to \(density)") }
        if let json { row("json", "written to \(json)") }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }

    private var lossSourceText: String {
        switch problem.lossSource {
        case "checkpoint": "from the checkpoint"
        case "given": "from --loss"
        default: "default for these targets"
        }
    }

    private var methodText: String {
        switch report.method {
        case .exact, .auto: "exact: all \(report.parameterCount) eigenvalues (LAPACK)"
        case .lanczos:
            "Lanczos, \(report.lanczosSteps ?? 0) steps, \(report.lanczosConverged == true ? "converged" : "NOT converged (raise the Krylov dimension)") (± is the residual bound ‖Hy − θy‖)"
        case .hutchinson: "Hutchinson trace estimate"
        case .slq: "stochastic Lanczos quadrature (density), Hutchinson trace"
        }
    }

    private func eigenvalueLines(_ values: [HessianReport.Eigenvalue]) -> [String] {
        values.enumerated().map { index, eigenvalue in
            let number = String(index + 1).leftPadded(to: 4)
            let bound = eigenvalue.residualBound.map { "  ± " + format($0) } ?? ""
            return number + "  " + format(eigenvalue.value).leftPadded(to: 14) + bound
        }
    }
}

/// Seven significant digits, "∞" for infinity.
func format(_ value: Double) -> String {
    if value == .infinity { return "∞" }
    if value == -.infinity { return "-∞" }
    if value.isNaN { return "NaN" }
    return String(format: "%.7g", value)
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
