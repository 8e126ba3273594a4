// TrainingBench: the command line (swift-argument-parser) and the run.
//
// Design note. The options common to the benchmark programs (--quick, --seed,
// --only, --attempts/--load-limit, --json) come from BenchmarkSupport's groups;
// this file adds the training-specific ones and the settings derived from
// them. Inputs from outside (the frameworks' JSON, the bundled digits) are read
// before anything is measured. `run()` only orchestrates: the measurements are
// in Measurement.swift and Phases.swift, the tables in Report.swift.

import ArgumentParser
import BenchmarkSupport
import COpenBLAS
import DescentTraining
import Foundation

/// A group of measurements that `--only` can select.
enum Suite: String, CaseIterable {
    /// Wall time of 20 epochs of Adam at batch 32 through the Trainer (first,
    /// so that its first run is the process's first training).
    case epochs
    /// Samples per second: Trainer and engine loop, every batch size and optimizer.
    case throughput
    /// Per-phase seconds per step (instrumented engine loop plus the Trainer's extras).
    case phases
}

struct TrainingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training-bench",
        abstract: "Measures training throughput (samples per second) of the 64-128-10 ReLU MLP on the digits data set.",
        discussion: """
            All 1797 examples, SGD, SGD+momentum and Adam at batch 32, 128 and 1024, through the Trainer and \
            through a hand-written engine-step loop; where a step's time goes; and the wall time of 20 epochs \
            of Adam at batch 32. Prints Markdown (progress goes to standard error). --quick: 5 runs of at least \
            0.05 s per case (a smoke run). Run it as \
            `swift run -c release --scratch-path .build-bench training-bench`.
            """)

    @OptionGroup var common: CommonOptions<Suite>

    @Option(
        name: .customLong("optimizers"),
        help: ArgumentHelp("Some of sgd, momentum, adam, separated by commas (default all).", valueName: "list"),
        transform: { text in try commaSeparatedChoices(text, kind: "optimizer") as [OptimizerKind] })
    var optimizers: [OptimizerKind] = OptimizerKind.allCases

    @Option(
        name: .customLong("batches"),
        help: ArgumentHelp("Batch sizes separated by commas (default 32,128,1024).", valueName: "list"),
        transform: { text in try commaSeparatedIntegers(text, least: 1, option: "--batches", what: "positive integers") })
    var batchSizes: [Int] = [32, 128, 1024]

    @Option(
        name: .customLong("runs"),
        help: ArgumentHelp("Timed runs per case, at least 5 (default 7, quick 5); the median is reported.", valueName: "n"),
        transform: { text in try integer(text, least: 5, option: "--runs") })
    var runs: Int?

    @Option(
        name: .customLong("min-run-time"),
        help: ArgumentHelp(
            "Least duration of one run (default 0.25 s): a run trains as many whole epochs as that takes.",
            valueName: "seconds"),
        transform: { text in try positiveSeconds(text, option: "--min-run-time") })
    var minimumRunSeconds: Double?

    @OptionGroup var retry: RetryOptions

    @Option(
        name: .customLong("threads"),
        help: ArgumentHelp("OpenBLAS threads, set with openblas_set_num_threads (default 2).", valueName: "n"),
        transform: { text in try integer(text, least: 1, option: "--threads") })
    var threads = 2

    @Flag(
        name: .customLong("no-step-records"),
        help: "Trainer runs with recordsSteps: false (default: true, the library default).")
    var noStepRecords = false

    @OptionGroup var output: JSONOutputOption

    @OptionGroup var comparison: ComparisonInput<FrameworkResults>

    // MARK: - Derived settings

    var seed: UInt64 { common.seed }
    var recordsSteps: Bool { !noStepRecords }
    var repetitions: Int { runs ?? (common.quick ? 5 : 7) }
    var runSeconds: Double { minimumRunSeconds ?? (common.quick ? 0.05 : 0.25) }
    var attempts: Int { retry.attempts(default: 4) }
    var competingLoadLimit: Double { retry.competingLoadLimit }

    // MARK: - The run

    func run() throws {
        // Inputs from outside are read before anything is measured, so a bad path fails at once.
        let frameworks = try comparison.read()
        let data: Dataset<Float>
        do { data = try loadDigits() } catch { throw InputError("cannot load the bundled digits data set: \(error)") }
        #if DEBUG
            progress("warning: this is a debug build; run with `swift run -c release training-bench` for meaningful numbers")
        #endif

        // OpenBLAS reads OPENBLAS_NUM_THREADS once, when the library is loaded (before
        // main), so setting the variable here would do nothing; the call below is the
        // way to choose the count from inside the process.
        openblas_set_num_threads(Int32(threads))

        let run = RunReport(program: "training-bench")
        let model = makeModel(seed: seed)
        var tables: [ResultTable] = []
        var throughput: [CaseResult] = []
        var phases: [PhaseRecord] = []
        var twentyEpochs: EpochsRecord?

        run.printHeader(
            """
            seed \(seed), \(repetitions) runs per case of at least \(fixed(runSeconds, 2)) s each \
            (whole epochs), Trainer `recordsSteps: \(recordsSteps)`, OpenBLAS threads \(run.machine.openBLASThreads).
            - Allocator: `GLIBC_TUNABLES=\(ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? "")` \
            (empty: glibc's defaults, which return large freed blocks to the kernel).
            - Data: all \(data.count) digits examples, 64 pixels scaled to 0…1, 10 classes; model 64-128-10 ReLU \
            (`Dense.pytorchDefault`), softmax cross-entropy, Float.
            """)
        if let frameworks {
            print(
                "- PyTorch \(frameworks.torchVersion), JAX \(frameworks.jaxVersion) with optax \(frameworks.optaxVersion), "
                    + "\(frameworks.threads) threads (\(frameworks.threadSettings)), from \(frameworks.program).")
        }

        for suite in common.suites {
            let suiteLoad = CompetingLoadMonitor()
            switch suite {
            case .epochs:
                progress("20 epochs of Adam at batch 32…")
                var (result, load) = measureWhileQuiet("20 epochs", options: self) {
                    measureTwentyEpochs(data: data, model: model, options: self)
                }
                result.record.competingLoad = load
                twentyEpochs = result.record
                tables.append(twentyEpochsTable(result.record, cold: result.cold, frameworks: frameworks))
            case .throughput:
                for kind in optimizers {
                    for batch in batchSizes {
                        progress("throughput: \(kind.rawValue), batch \(batch)…")
                        var (result, load) = measureWhileQuiet("\(kind.rawValue), batch \(batch)", options: self) {
                            measureThroughput(kind, batch: batch, data: data, model: model, options: self)
                        }
                        result.trainer.competingLoad = load
                        result.engine.competingLoad = load
                        throughput.append(result)
                    }
                }
                tables.append(throughputTable(throughput, frameworks: frameworks))
            case .phases:
                for kind in optimizers {
                    for batch in batchSizes {
                        progress("phases: \(kind.rawValue), batch \(batch)…")
                        phases +=
                            measureWhileQuiet("phases \(kind.rawValue), batch \(batch)", options: self) {
                                measurePhases(kind, batch: batch, data: data, model: model, options: self)
                            }.result
                    }
                }
                tables.append(phaseTable(phases, throughput: throughput, examples: data.count))
            }
            tables[tables.count - 1].notes.append("While this table was measured, \(suiteLoad.summary()).")
        }

        run.printTablesAndSummary(tables)

        if let path = output.path {
            let results = RunResults(
                arguments: run.arguments, seed: seed, examples: data.count, recordsSteps: recordsSteps,
                machine: run.machine, totalSeconds: run.elapsedSeconds,
                throughput: throughput.flatMap { [$0.trainer, $0.engine] }, phases: phases,
                twentyEpochs: twentyEpochs.map { [$0] } ?? [], frameworks: frameworks,
                checksum: checksumOfConsumedResults())
            try RecordFile.write(results, to: path)
            progress("wrote \(path)")
        }
    }
}
