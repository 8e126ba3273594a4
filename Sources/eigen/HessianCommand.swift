// `eigen hessian`: the Hessian of a trained network's loss on a data file.
//
// Thin by design: the model comes from `ModelCheckpoint` (DescentNN), the data
// and every fit check from `HessianProblem`, the numbers from `HessianReport`
// (DescentConvergence, built on HessianAnalysis). This file parses options,
// formats the summary and writes the JSON and SVG files — atomically, and only
// once everything is computed, so a failed run leaves no partial output.

import ArgumentParser
import CommandLineSupport
import Descent
import Foundation

struct HessianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hessian",
        abstract: "Eigenvalues, trace and density of a trained network's loss Hessian on a data set.",
        discussion: """
            The model comes from a safetensors checkpoint written by Descent (Layer.save or the Trainer), which \
            describes its own layers and loss. For a checkpoint without that description (older files, PyTorch \
            state_dicts of nn.Sequential(Linear, act, Linear, …)) give --activation, and --architecture if the \
            tensors alone are not enough.

            Methods: exact (all P eigenvalues, LAPACK; refused before allocating when P² doubles exceed \
            --memory-limit), lanczos (extreme eigenvalues with residual bounds), hutchinson (trace only), slq \
            (spectral density), auto (exact up to 5,000 parameters when it fits in memory, else lanczos).
            """)

    @Option(name: .long, help: ArgumentHelp("The model checkpoint (.safetensors).", valueName: "checkpoint"))
    var model: String

    @Option(name: .long, help: ArgumentHelp("The data: a numeric CSV file, one example per line.", valueName: "file.csv"))
    var data: String

    @Option(
        name: .long,
        help: ArgumentHelp("The target column: a header name or a 0-based index (default: the last).", valueName: "column"))
    var target: String?

    @Option(name: .long, help: "Use only N examples: the first N, or a seeded subset with --random-samples.")
    var samples: Int?

    @Flag(name: .long, help: "With --samples: draw the examples by a permutation seeded with --seed.")
    var randomSamples = false

    @Option(
        name: .long,
        help: ArgumentHelp("For checkpoints without a description: the layer widths of a Dense stack.", valueName: "64-128-10"))
    var architecture: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "For checkpoints without a description: the activation between Dense layers (relu, tanh, sigmoid, gelu, elu, leaky-relu, softplus, identity).",
            valueName: "name"))
    var activation: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The loss: cross-entropy, quadratic (mse), binary-cross-entropy, binary-cross-entropy-logits (default: the checkpoint's, else cross-entropy for integer labels).",
            valueName: "name"))
    var loss: String?

    @Option(name: .long, help: "The tool for the eigenvalues (see above).")
    var method: HessianMethod = .auto

    @Option(name: .long, help: "How many of the largest eigenvalues to report.")
    var top = 5

    @Option(name: .long, help: "How many of the smallest eigenvalues to report.")
    var bottom = 5

    @Option(name: .long, help: "Hutchinson probes for the trace estimate.")
    var probes = 100

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the spectral density as an SVG chart (exact eigenvalues smoothed, or SLQ).", valueName: "out.svg"))
    var density: String?

    @Flag(name: .long, help: "Per-layer diagonal blocks: each block's top eigenvalue and trace.")
    var layers = false

    @Option(name: .long, help: ArgumentHelp("Write the results as JSON.", valueName: "out.json"))
    var json: String?

    @Option(name: .long, help: "The seed of every random start, probe and sample.")
    var seed: UInt64 = 0

    @Option(
        name: .long,
        help: ArgumentHelp("Compare the sharpness λmax with 2/η for gradient descent with this step.", valueName: "η"))
    var learningRate: Double?

    @Option(
        name: .long,
        help: ArgumentHelp("The most memory the exact P×P Hessian may take: bytes, or with K, M, G.", valueName: "size"))
    var memoryLimit = "2G"

    @Flag(name: .long, help: "No progress line on standard error.")
    var quiet = false

    mutating func validate() throws {
        guard top >= 0, bottom >= 0 else { throw ValidationError("--top and --bottom must be ≥ 0") }
        guard probes >= 1 else { throw ValidationError("--probes must be at least 1, got \(probes)") }
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if randomSamples && samples == nil { throw ValidationError("--random-samples needs --samples N") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
        }
        guard memoryLimitBytes != nil else {
            throw ValidationError("--memory-limit \(memoryLimit) is not a size like 2G, 512M, 64K or a number of bytes")
        }
        if architecture != nil && activation == nil {
            throw ValidationError("--architecture needs --activation (the function between the Dense layers)")
        }
        do {
            _ = try givenSpecification()
            _ = try givenLoss()
            _ = try activation.map(ActivationFunction.init(name:))
        } catch let error as ModelSpecificationError { throw ValidationError(error.description) }
    }

    func run() throws {
        do { try analyse() } catch let error as CheckpointError {
            guard case .missingDescription(let path) = error else { throw error }
            throw CommandFailure(
                "\(path) holds no model description (older Descent files and PyTorch state_dicts have none): pass "
                    + "--activation NAME to infer Dense layers from the tensor shapes, or --architecture 64-128-10 --activation NAME"
            )
        } catch let error as SpectrumError {
            if case .invalidOption("memory limit", let value, let requirement) = error {
                throw CommandFailure(
                    requirement.replacingOccurrences(of: "; raise the limit", with: "")
                        + ", more than --memory-limit (\(value)); nothing was allocated. Raise --memory-limit")
            }
            guard case .hessianTooLarge(let count, let bytes, let limit) = error else { throw error }
            throw CommandFailure(
                "the exact Hessian of \(count) parameters needs \(bytes) bytes (P² doubles), more than --memory-limit "
                    + "(\(limit) bytes); nothing was allocated. Use --method lanczos (or hutchinson, slq), or raise --memory-limit"
            )
        }
    }

    private func analyse() throws {
        let checkpoint = try ModelCheckpoint<Double>(
            contentsOf: model, specification: try givenSpecification(),
            activation: try activation.map(ActivationFunction.init(name:)))
        let selection: HessianProblem.SampleSelection =
            samples.map { randomSamples ? .random($0, seed: seed) : .first($0) } ?? .all
        let problem = try HessianProblem(
            checkpoint: checkpoint, dataPath: data, targetColumn: targetColumn, loss: try givenLoss(), samples: selection)
        let analysis = try problem.analysis(containsDropout: checkpoint.specification.containsDropout)

        var options = HessianReport.Options()
        options.method = method
        options.top = top
        options.bottom = bottom
        options.probes = probes
        options.seed = seed
        options.memoryLimit = memoryLimitBytes ?? HessianAnalysis.defaultExactMemoryLimit
        options.layers = layers
        options.density = density != nil
        options.learningRate = learningRate
        // Progress appears only for runs that last: a quick run prints its results and nothing else.
        var progress = ProgressLine("Hessian", total: 0, enabled: !quiet)
        let size = "P = \(analysis.parameterCount), N = \(problem.data.count)"
        let (report, curve) = try HessianReport.compute(
            analysis, sampleCount: problem.data.count, lossName: problem.loss.name, options: options
        ) { stage, products in
            if progress.elapsed > 2 { progress.update(done: products, "Hessian-vector products (\(stage), \(size))") }
        }
        progress.finish()

        // Outputs only now, all computed: nothing is written by a run that fails.
        if let density, let curve {
            let name = report.method == .exact ? "exact eigenvalues, smoothed" : "stochastic Lanczos quadrature"
            try curve.chart(
                title: "Hessian spectral density (P = \(report.parameterCount), N = \(report.sampleCount))", name: name,
                note:
                    "\(URL(fileURLWithPath: model).lastPathComponent) on \(URL(fileURLWithPath: data).lastPathComponent), \(problem.loss.name) loss"
            ).write(to: density)
        }
        if let json {
            let document = HessianDocument(
                model: model, data: data, descriptionSource: checkpoint.source.rawValue, lossSource: problem.lossSource,
                availableExamples: problem.availableExamples, report: report)
            try OutputFile.write(document.json(), to: json)
        }
        print(
            HessianSummary(report: report, problem: problem, checkpoint: checkpoint, dataPath: data, density: density, json: json)
                .text)
    }

    // MARK: - Option values

    private var targetColumn: TargetColumn {
        guard let target else { return .last }
        return Int(target).map { .at($0) } ?? .named(target)
    }

    private func givenSpecification() throws -> ModelSpecification? {
        guard let architecture else { return nil }
        let widths = architecture.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard widths.allSatisfy({ $0 != nil }) else {
            throw ModelSpecificationError.invalid("--architecture \(architecture) is not widths joined by '-', like 64-128-10")
        }
        return try ModelSpecification.multilayerPerceptron(
            widths: widths.compactMap { $0 }, activation: ActivationFunction(name: activation ?? "relu"))
    }

    /// `--memory-limit` in bytes: a number with an optional K, M or G (powers of 1024).
    private var memoryLimitBytes: Int? {
        let text = memoryLimit.uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        let shift = text.last.flatMap { shifts[$0] } ?? 0
        guard let number = Int(shift > 0 ? String(text.dropLast()) : text), number >= 1, number <= Int.max >> shift else {
            return nil
        }
        return number << shift
    }

    private func givenLoss() throws -> Loss? {
        try loss.map(Loss.init(name:))
    }
}

extension HessianMethod: ExpressibleByArgument {}

/// A run-time failure with a message written for this program's options.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The JSON file: where the numbers came from, then the report.
struct HessianDocument: Encodable {
    var model: String
    var data: String
    var descriptionSource: String
    var lossSource: String
    var availableExamples: Int
    var report: HessianReport

    func json() throws -> String { try OutputFile.jsonText(self) }
}
