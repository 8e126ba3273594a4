// HessianBench: the command line (swift-argument-parser) and the run.
//
// Design note. The options common to the benchmark programs (--quick, --seed,
// --only, --attempts/--load-limit, --json) come from BenchmarkSupport's groups;
// this file adds the Hessian-specific ones. Inputs from outside (JAX's JSON,
// the bundled digits) are read before anything is measured. `run()` only
// orchestrates: the measurements are in ExactBenchmark.swift and
// LanczosBenchmark.swift.

import ArgumentParser
import BenchmarkSupport
import DescentNN

/// A group of measurements that `--only` can select.
enum Suite: String, CaseIterable {
    /// Exact Hessians of the digits models (structured and generic) and their eigen-decompositions.
    case exact
    /// Top-5 Lanczos on the 784-256-256-10 model.
    case lanczos
}

struct HessianBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hessian-bench",
        abstract: "Measures exact Hessians of 64-h-10 tanh MLPs on the digits data and top-5 Lanczos on a larger MLP.",
        discussion: """
            The digits models use all 1797 examples, standardized inputs and one-hot targets: the structured \
            assembly (OneHiddenLayerHessian), the generic forward-over-reverse fullHessian, and the \
            eigen-decomposition with and without vectors. Lanczos runs on a 784-256-256-10 tanh MLP (1000 random \
            Gaussian inputs, random labels). Prints Markdown (progress goes to standard error). --quick: the \
            64-16-10 model only, one repeat, no Lanczos (a smoke run). Run it as \
            `swift run -c release --scratch-path .build-bench hessian-bench`.
            """)

    @OptionGroup var common: CommonOptions<Suite>

    @Option(
        name: .customLong("models"),
        help: ArgumentHelp("Hidden widths of the digits models, separated by commas (default 16,32,64).", valueName: "widths"),
        transform: { text in try commaSeparatedIntegers(text, least: 1, option: "--models", what: "hidden widths ≥ 1") })
    var hiddenWidths: [Int] = [16, 32, 64]

    @Option(
        name: .customLong("losses"),
        help: ArgumentHelp("quadratic and/or softmax, separated by commas (default both).", valueName: "list"),
        transform: { text in try commaSeparatedChoices(text, kind: "loss") as [LossName] })
    var lossNames: [LossName] = LossName.allCases

    @Option(
        name: .customLong("repeats"),
        help: ArgumentHelp("Timed calls per quantity, interleaved (default 3); the median is reported.", valueName: "n"),
        transform: { text in try integer(text, least: 1, option: "--repeats") })
    var repeats: Int?

    @Option(
        name: .customLong("generic-repeats"),
        help: ArgumentHelp("Timed generic fullHessian calls per case, 0 to skip (default 1).", valueName: "n"),
        transform: { text in try integer(text, least: 0, option: "--generic-repeats") })
    var genericRepeats: Int?

    @OptionGroup var retry: RetryOptions
    @OptionGroup var output: JSONOutputOption

    @OptionGroup var comparison: ComparisonInput<FrameworkResults>

    // MARK: - Derived settings

    var seed: UInt64 { common.seed }
    var suites: [Suite] { common.quick ? common.suites.filter { $0 != .lanczos } : common.suites }
    var widths: [Int] { common.quick ? [16] : hiddenWidths }
    var losses: [Loss] { lossNames.map(\.loss) }
    /// Timed calls per quantity.
    var timedRepeats: Int { repeats ?? (common.quick ? 1 : 3) }
    /// Timed generic fullHessian calls per case.
    var timedGenericRepeats: Int { genericRepeats ?? 1 }
    var attempts: Int { retry.attempts(default: 3) }

    // MARK: - The run

    func run() throws {
        // Inputs from outside are read before anything is measured, so a bad path fails at once.
        let frameworks = try comparison.read()
        let digits = suites.contains(.exact) ? try DigitsProblem.load() : nil
        #if DEBUG
            progress("warning: this is a debug build; run with `swift run -c release hessian-bench` for meaningful numbers")
        #endif

        let run = RunReport(program: "hessian-bench")
        var tables: [ResultTable] = []
        var exactRecords: [ExactRecord] = []
        var lanczosRecord: LanczosRecord?

        run.printHeader(
            "seed \(seed); \(timedRepeats) timed calls per quantity (median), \(timedGenericRepeats) per generic full Hessian.")
        if let frameworks {
            print(
                "- JAX \(frameworks.jaxVersion), SciPy \(frameworks.scipyVersion), \(frameworks.threads) threads "
                    + "(\(frameworks.threadSettings)), \(frameworks.repeats) calls per quantity, from \(frameworks.program).")
            if frameworks.seed != seed {
                print("- **Warning:** JAX ran with seed \(frameworks.seed), we with \(seed): the spectra are not comparable.")
            }
        }

        for suite in suites {
            switch suite {
            case .exact:
                for hidden in widths {
                    for loss in losses {
                        exactRecords.append(
                            try measuredWhileQuiet("64-\(hidden)-10 \(lossName(loss))") {
                                try benchmarkExact(
                                    hidden: hidden, loss: loss, data: digits!, repeats: timedRepeats,
                                    genericRepeats: timedGenericRepeats, seed: seed)
                            })
                    }
                }
                let loads = exactRecords.compactMap(\.competingLoad)
                var assembly = assemblyTable(exactRecords, frameworks: frameworks)
                assembly.notes.append(
                    "Other processes used \(fixed(100 * (loads.max() ?? .nan), 1))% of the CPUs at most during one of "
                        + "our cases (a case is measured again, up to \(attempts) times, above "
                        + "\(fixed(100 * retry.competingLoadLimit, 0))%).")
                tables.append(assembly)
                tables.append(eigenTable(exactRecords, frameworks: frameworks))
                tables.append(totalTable(exactRecords, frameworks: frameworks))
                if let frameworks, frameworks.seed == seed {
                    tables.append(agreementTable(exactRecords, frameworks: frameworks))
                }
            case .lanczos:
                let record = try measuredWhileQuiet("lanczos") {
                    try benchmarkLanczos(seed: seed, repeats: timedRepeats)
                }
                lanczosRecord = record
                var table = lanczosTable(record, frameworks: frameworks?.seed == seed ? frameworks : nil)
                table.notes.append(
                    "Other processes used \(fixed(100 * (record.competingLoad ?? .nan), 1))% of the CPUs during this case.")
                tables.append(table)
            }
        }

        run.printTablesAndSummary(
            tables,
            remark: frameworks == nil ? "(no JAX results given: run scripts/bench_hessian_jax.py and pass --frameworks)" : "")

        if let path = output.path {
            let results = RunResults(
                arguments: run.arguments, seed: seed, machine: run.machine, totalSeconds: run.elapsedSeconds,
                exact: exactRecords, lanczos: lanczosRecord, frameworks: frameworks, checksum: checksumOfConsumedResults())
            try RecordFile.write(results, to: path)
            progress("wrote \(path)")
        }
    }

    /// Runs `measure` again, up to `--attempts` times in all, while other processes
    /// used more than `--load-limit` of the CPUs during it (on the shared 2-CPU
    /// machine a build next door doubles a time); keeps the last result.
    func measuredWhileQuiet<Record: LoadRecording>(_ label: String, _ measure: () throws -> Record) rethrows -> Record {
        var attempt = 1
        while true {
            var record = try measure()
            record.attempts = attempt
            let load = record.competingLoad ?? 0
            if load <= retry.competingLoadLimit || attempt >= attempts { return record }
            progress("  \(label): other processes used \(fixed(100 * load, 0))% of the CPUs; measuring again")
            attempt += 1
        }
    }
}

/// The losses `--losses` names.
enum LossName: String, CaseIterable {
    case quadratic, softmax

    var loss: Loss {
        switch self {
        case .quadratic: .quadratic
        case .softmax: .softmaxCrossEntropy
        }
    }
}
