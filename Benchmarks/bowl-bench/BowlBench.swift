// bowl-bench: gradient descent, momentum, Nesterov, conjugate gradient, the
// adaptive methods and mini-batch SGD on quadratic bowls, each run beside
// what the theory predicts for it (DescentConvergence's `BowlSweep`).
//
// This file parses, validates and writes; the runs, predictions, verdicts,
// table, CSV, JSON and figures all come from the library.

import ArgumentParser
import CommandLineSupport
import Descent
import Foundation

@main
struct BowlBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bowl-bench",
        abstract: "Optimizers on quadratic bowls, side by side with the convergence theory.",
        discussion: """
            Every bowl f(w) = ½(w − w*)ᵀH(w − w*) has λmax = 1 and λmin = 1/κ, eigenvalues spread by \
            --spectra, in a seeded random basis (adaptive methods also run on the axis-aligned twin). \
            Each run starts with equal error in every eigendirection and stops at --tolerance relative \
            error. The table gives iterations (and the theory's count), the measured asymptotic rate, the \
            predicted rate, their ratio, whether the prediction held, and microseconds per iteration.

            Methods: \(BowlSweepMethod.allCases.map(\.rawValue).joined(separator: ", ")).
            Exit status: 0 when every prediction held, 1 when one failed (or on an error), 64 for a bad option.
            """
    )

    @Option(name: .long, parsing: .upToNextOption, help: "Dimensions d, comma- or space-separated.")
    var dimensions: [String] = ["100", "1000"]

    @Option(name: [.customLong("conditions"), .customLong("condition")], parsing: .upToNextOption,
        help: "Condition numbers κ ≥ 1 (1e4 and 10000 both work).")
    var conditions: [String] = ["10", "100", "1000", "10000"]

    @Option(name: [.customLong("spectra"), .customLong("spectrum")], parsing: .upToNextOption,
        help: "Spectrum shapes: log, linear, clustered.")
    var spectra: [String] = ["log", "linear", "clustered"]

    @Option(name: .long, parsing: .upToNextOption, help: "Methods to run (default: all but gd-custom and momentum-custom).")
    var methods: [String] = []

    @Option(name: .long, help: "Stop at this relative error ‖w_k − w*‖/‖w₀ − w*‖, in (0, 1).")
    var tolerance: Double = 1e-6

    @Option(name: .customLong("learning-rate"),
        help: "Also run gradient descent (gd-custom) at this η, in units of 1/L; with --momentum, heavy ball too.")
    var learningRate: Double?

    @Option(name: .long, help: "Also run heavy ball (momentum-custom) with this μ in [0, 1) (η = --learning-rate or 1/L).")
    var momentum: Double?

    @Option(name: .long, help: "Seed of rotations, starting points and mini-batches: the same seed gives the same runs.")
    var seed: UInt64 = 0

    @Option(name: .customLong("max-iterations"), help: "Step limit of any deterministic run.")
    var maxIterations: Int = 1_000_000

    @Option(name: .customLong("adaptive-steps"), help: "Steps of each Adam/RMSProp/AdaGrad run.")
    var adaptiveSteps: Int = 5000

    @Option(name: .customLong("sgd-steps"), help: "Steps of each mini-batch SGD run.")
    var sgdSteps: Int = 20_000

    @Option(name: .customLong("batch-size"), help: "Mini-batch size of SGD.")
    var batchSize: Int = 8

    @Option(name: .long, help: "Write the runs as CSV to this file.")
    var csv: String?

    @Option(name: .long, help: "Write the whole report (runs, predictions, error curves) as JSON to this file.")
    var json: String?

    @Option(name: .long, help: "Write SVG figures into this folder (created if missing).")
    var plot: String?

    @Flag(name: .customLong("theory-check"), help: "Run the TheoryCheck suite instead of a sweep; exit 1 if any claim fails.")
    var theoryCheck = false

    @Option(name: .long, help: "TheoryCheck level: quick (~10 s) or standard (~1.5 min).")
    var level: String = "standard"

    @Flag(name: .long, help: "No progress line on standard error.")
    var quiet = false

    static func main() { runAsProgram() }

    func validate() throws {
        guard TheoryCheck.Level(rawValue: level) != nil else {
            throw ValidationError("--level must be quick or standard, not '\(level)'")
        }
        _ = try sweepConfiguration()
    }

    /// The sweep the options describe; every impossible value is refused here, before anything runs.
    func sweepConfiguration() throws -> BowlSweep.Configuration {
        var configuration = BowlSweep.Configuration()
        configuration.dimensions = try values(dimensions, "--dimensions") { text -> Int? in
            guard let d = Int(text) else { return nil }
            guard d >= 1 else { throw ValidationError("--dimensions: \(d) is not a dimension (it must be ≥ 1)") }
            guard d <= 20_000 else {
                throw ValidationError("--dimensions: \(d) would need a \(d)×\(d) Hessian (\(d * d * 8 / 1_048_576) MiB); use d ≤ 20000")
            }
            return d
        }
        configuration.conditionNumbers = try values(conditions, "--conditions") { text -> Double? in
            guard let κ = Double(text) else { return nil }
            guard κ.isFinite, κ >= 1 else {
                throw ValidationError("--conditions: κ = \(text) is impossible (κ = λmax/λmin ≥ 1)")
            }
            guard κ <= 1e12 else {
                throw ValidationError("--conditions: κ = \(text) is beyond 1e12, where rounding in H (ε·λmax) swamps λmin")
            }
            return κ
        }
        configuration.spectra = try values(spectra, "--spectra") { BowlSweepSpectrum(rawValue: $0.lowercased()) }
        if !methods.isEmpty {
            configuration.methods = try values(methods, "--methods") { name -> BowlSweepMethod? in
                name == "all" ? nil : BowlSweepMethod(rawValue: name.lowercased())
            }
        }
        guard tolerance > 0, tolerance < 1 else {
            throw ValidationError("--tolerance must be in (0, 1), got \(tolerance)")
        }
        if let learningRate {
            guard learningRate > 0, learningRate.isFinite else {
                throw ValidationError("--learning-rate must be > 0, got \(learningRate)")
            }
            configuration.learningRate = learningRate
            if !configuration.methods.contains(.customGradientDescent) { configuration.methods.append(.customGradientDescent) }
        }
        if let momentum {
            guard momentum >= 0, momentum < 1 else {
                throw ValidationError("--momentum must be in [0, 1), got \(momentum) (μ ≥ 1 never converges)")
            }
            configuration.momentum = momentum
            if !configuration.methods.contains(.customMomentum) { configuration.methods.append(.customMomentum) }
        }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be ≥ 1, got \(maxIterations)") }
        guard adaptiveSteps >= 1 else { throw ValidationError("--adaptive-steps must be ≥ 1, got \(adaptiveSteps)") }
        guard sgdSteps >= 100 else { throw ValidationError("--sgd-steps must be ≥ 100, got \(sgdSteps)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be ≥ 1, got \(batchSize)") }
        configuration.tolerance = tolerance
        configuration.seed = seed
        configuration.maximumIterations = maxIterations
        configuration.adaptiveSteps = adaptiveSteps
        configuration.stochasticSteps = sgdSteps
        configuration.batchSize = batchSize
        do { try configuration.validate() } catch { throw ValidationError(error.description) }
        return configuration
    }

    func run() throws {
        if theoryCheck { return try runTheoryCheck() }
        let sweep = try BowlSweep(try sweepConfiguration())
        var progress = ProgressLine("bowl-bench", total: sweep.runCount, enabled: !quiet)
        let report = try sweep.run { done, _, what in progress.update(done: done, what) }
        progress.finish()
        print(report.table(), terminator: "")
        if let csv {
            try OutputFile.write(report.csv(), to: csv)
            if !quiet { StandardError.write("wrote \(csv)\n") }
        }
        if let json {
            try OutputFile.write(Array(try report.jsonData()) + [10], to: json)
            if !quiet { StandardError.write("wrote \(json)\n") }
        }
        if let plot { try writeFigures(report, into: plot) }
        if !report.allHeld { throw ExitCode.failure }
    }

    func runTheoryCheck() throws {
        let check = TheoryCheck(level: TheoryCheck.Level(rawValue: level)!, seed: seed)
        var progress = ProgressLine("theory-check", total: 0, enabled: !quiet)
        let report = try check.run { done, total, what in
            progress.total = total
            progress.update(done: done, what)
        }
        progress.finish()
        let table = report.table()
        print(table, terminator: table.hasSuffix("\n") ? "" : "\n")
        if let json {
            try report.writeJSON(to: json)
            if !quiet { StandardError.write("wrote \(json)\n") }
        }
        if !report.allPassed {
            StandardError.write("bowl-bench: \(report.failures.count) of \(report.results.count) claims failed\n")
            throw ExitCode.failure
        }
    }

    func writeFigures(_ report: BowlSweepReport, into folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--plot: cannot create the folder '\(folder)': \(error.localizedDescription)")
        }
        let figures = report.errorCharts() + report.iterationCharts()
        for figure in figures {
            try figure.chart.write(to: (folder as NSString).appendingPathComponent(figure.fileName))
        }
        if !quiet { StandardError.write("wrote \(figures.count) figures into \(folder)\n") }
    }
}

/// Splits comma- or space-separated option values and converts each; `nil` from `convert` means "not understood".
private func values<Value>(
    _ raw: [String], _ option: String, _ convert: (String) throws -> Value?
) throws -> [Value] {
    let items = raw.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !items.isEmpty else { throw ValidationError("\(option) needs at least one value") }
    return try items.map { item in
        guard let value = try convert(item) else { throw ValidationError("\(option): '\(item)' is not understood") }
        return value
    }
}
