// `eigen spectrum FILE`: the eigenvalues of a symmetric matrix on disk and
// what they mean for gradient descent and momentum.
//
// Design note. The command only sequences the library's steps —
// `MatrixSpectrum.checkFile` (shape and memory from the header, before any
// allocation), `load`, `decompose` — and formats the `SpectrumReport`. Progress
// is shown between the steps for n ≥ 2000, where reading and `dsyevd` take
// seconds; LAPACK itself cannot report progress from inside one call.

import ArgumentParser
import CommandLineSupport
import Descent

struct SpectrumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectrum",
        abstract: "Eigenvalues, condition number and definiteness of a symmetric matrix, read as optimization theory.",
        discussion: """
            FILE is a .npy, .csv (.txt, .tsv) or .mtx file holding a square symmetric matrix. Prints the \
            eigenvalues, κ = max|λ|/min|λ| (∞ when an eigenvalue is zero, i.e. |λ| ≤ τ = n·ε·max|λ|), the \
            definiteness with the numbers of positive, zero and negative eigenvalues, and for a positive \
            (semi)definite matrix the largest stable gradient-descent step 2/L, the optimal step 2/(L+μ), Polyak's \
            heavy-ball pair and Nesterov's tuning with their rates and the iterations each needs to reduce the \
            error by 1e-6 (THEORY.md §§1–3). --top/--bottom K compute only K eigenvalues at one end (LAPACK \
            dsyevr); what needs the other end is then reported as unknown.
            """)

    @Argument(help: ArgumentHelp("The matrix: .npy, .csv/.txt/.tsv or .mtx.", valueName: "FILE"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Compute only the K largest eigenvalues.", valueName: "K"))
    var top: Int?

    @Option(name: .long, help: ArgumentHelp("Compute only the K smallest eigenvalues.", valueName: "K"))
    var bottom: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the eigenvectors as the columns of an n×m .npy file, in the order of the eigenvalues.",
            valueName: "OUT.npy"))
    var vectors: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Largest accepted |aᵢⱼ − aⱼᵢ| relative to max|aᵢⱼ| (default 1.5e-8, √ε).", valueName: "T"))
    var symmetryTolerance: Double?

    @Option(name: .long, help: ArgumentHelp("How many eigenvalues to list at each end of the spectrum.", valueName: "N"))
    var show = 5

    @OptionGroup var output: OutputOptions

    func validate() throws {
        for (name, value) in [("--top", top), ("--bottom", bottom)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1, got \(value)") }
        }
        if let vectors, !vectors.lowercased().hasSuffix(".npy") {
            throw ValidationError("--vectors writes a .npy file; got '\(vectors)'")
        }
        if let symmetryTolerance, !(symmetryTolerance >= 0 && symmetryTolerance.isFinite) {
            throw ValidationError("--symmetry-tolerance must be a finite number ≥ 0, got \(symmetryTolerance)")
        }
        if show < 1 { throw ValidationError("--show must be at least 1, got \(show)") }
    }

    func run() throws {
        let selection = SpectrumSelection(smallest: bottom, largest: top)
        let shape = try MatrixSpectrum.checkFile(
            file, selection: selection, vectors: vectors != nil, memoryLimit: output.memoryLimitBytes)
        var stages = Stages("eigen spectrum", count: 3, enabled: !output.quiet && shape.columns >= 2000)
        stages.begin("reading \(file) (\(SystemMemory.describe(bytes: Double(shape.fileBytes))))")
        let matrix = try MatrixSpectrum.load(file)
        try selection.validate(order: matrix.rows)
        let all = selection.coversAll(order: matrix.rows)
        stages.begin(
            "\(all ? "dsyevd" : "dsyevr") on \(matrix.rows)×\(matrix.rows)\(vectors != nil ? " with vectors" : "")")
        let (report, eigenvectors) = try MatrixSpectrum.decompose(
            matrix, path: file, selection: selection, vectors: vectors != nil, symmetryTolerance: symmetryTolerance)
        stages.begin("writing")
        if let vectors, let eigenvectors { try eigenvectors.save(to: vectors) }
        try output.writeJSON(SpectrumDocument(file: file, report: report, vectorsFile: vectors))
        stages.finish()
        if output.printsTable { print(Self.render(report, file: file, show: show)) }
    }

    // MARK: - Text

    static func render(_ report: SpectrumReport, file: String, show: Int) -> String {
        let n = report.dimension
        var lines = ["\(file): \(n)×\(n) symmetric matrix, \(coverage(report))", ""]
        lines.append(eigenvalueList(report, show: show))
        lines.append("")
        var summary = Table()
        summary.add("max |λ|", report.largestMagnitude.shown)
        summary.add("min |λ|", report.smallestMagnitude.shown)
        summary.add("condition number κ", report.conditionNumber.shown + "  (max|λ| / min|λ|)")
        summary.add("zero threshold τ", report.zeroTolerance.shown + "  (n·ε·max|λ|: |λ| ≤ τ counts as zero)")
        let inertia = report.inertia
        summary.add(
            "definiteness",
            "\(report.definiteness)  (\(inertia.positive.shown) positive, \(inertia.zero.shown) zero, "
                + "\(inertia.negative.shown) negative)")
        lines.append(summary.render())
        lines.append("")
        lines.append(implications(report.optimization))
        return lines.joined(separator: "\n")
    }

    static func coverage(_ report: SpectrumReport) -> String {
        if report.isComplete { return "all \(report.dimension) eigenvalues (LAPACK dsyevd)" }
        var parts: [String] = []
        if report.smallestComputed > 0 { parts.append("the \(report.smallestComputed) smallest") }
        if report.largestComputed > 0 { parts.append("the \(report.largestComputed) largest") }
        return parts.joined(separator: " and ") + " of \(report.dimension) eigenvalues (LAPACK dsyevr)"
    }

    static func eigenvalueList(_ report: SpectrumReport, show: Int) -> String {
        let values = report.eigenvalues
        var lines: [String] = []
        func line(_ index: Int, _ value: Double) -> String { "  λ\(index + 1) = \(value.shown)" }
        let n = report.dimension
        if report.isComplete {
            lines.append("Eigenvalues (ascending):")
            if n <= 2 * show + 1 {
                lines += values.enumerated().map(line)
            } else {
                lines += (0..<show).map { line($0, values[$0]) }
                lines.append("  … \(n - 2 * show) more (all of them with --json)")
                lines += (n - show..<n).map { line($0, values[$0]) }
            }
        } else {
            lines.append("Eigenvalues computed (ascending; numbered from the smallest of all \(n)):")
            let bottom = values.prefix(report.smallestComputed)
            let top = values.suffix(report.largestComputed)
            lines += bottom.enumerated().map(line)
            lines.append("  … \(n - bottom.count - top.count) not computed")
            lines += top.enumerated().map { line(n - top.count + $0, $1) }
        }
        return lines.joined(separator: "\n")
    }

    static func implications(_ theory: OptimizationImplications) -> String {
        var lines = ["What it means for gradient descent on E(w) = ½ wᵀHw (THEORY.md §§1–3):"]
        lines.append("  \(theory.verdict.rawValue): \(theory.explanation).")
        var constants = Table()
        if let L = theory.largestCurvature { constants.add("L = λmax", L.shown) }
        if let μ = theory.smallestCurvature {
            constants.add(theory.verdict == .convergesInRange ? "μ₊ = smallest λ > τ" : "μ = λmin", μ.shown)
        }
        if let κ = theory.effectiveConditionNumber {
            constants.add(theory.verdict == .convergesInRange ? "L/μ₊" : "κ = L/μ", κ.shown)
        }
        if let η = theory.largestStableLearningRate {
            let note =
                theory.verdict == .noMinimum
                ? "(above it the positive-curvature directions diverge too)" : "(gradient descent diverges above it)"
            constants.add("largest stable step", "2/L = \(η.shown)  \(note)")
        }
        if !constants.rows.isEmpty { lines.append(constants.render()) }
        if !theory.methods.isEmpty {
            var table = Table()
            table.add("method", "tuning", "η", "momentum β", "rate ρ", "steps to \(theory.tolerance.shown)")
            for method in theory.methods {
                table.add(
                    method.name, method.tuning, method.learningRate.shown, method.momentum.shown, method.rate.rateShown,
                    method.iterations.shown)
            }
            lines.append("")
            lines.append(table.render())
            lines.append("  (ρ: the error shrinks like ρᵏ; steps: ⌈ln(1/ε)/(−ln ρ)⌉)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The `--json` document of `eigen spectrum`.
struct SpectrumDocument: Encodable {
    var file: String
    var report: SpectrumReport
    var vectorsFile: String?
}
