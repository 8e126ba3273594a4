// AutogradBench: the command line (swift-argument-parser) and the run.
//
// Design note. The options common to the benchmark programs (--quick, --seed,
// --only, --min-time, --json) come from BenchmarkSupport's groups; this file
// adds --data and --pytorch, the sizes each mode measures and the order of the
// tables. Inputs from outside (the digits CSV, PyTorch's JSON) are read before
// anything is measured, so a bad path fails at once. `run()` only orchestrates.

import ArgumentParser
import BenchmarkSupport
import DescentNN

/// A group of measurements that `--only` can select.
enum Suite: String, CaseIterable {
    case gradient, hvp, directions, digits
}

struct AutogradBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autograd-bench",
        abstract: """
            Measures the autograd engine's gradient and Hessian-vector products against hand-written backprop \
            on BLAS, and prints Markdown tables.
            """,
        discussion: """
            Progress goes to standard error. --quick measures small sizes only, for at least 0.02 s per \
            computation (a smoke run, ~30 s); the default --min-time is 0.2 s. \
            Run it as `swift run -c release autograd-bench`.
            """)

    @OptionGroup var common: CommonOptions<Suite>
    @OptionGroup var timing: MinimumTimeOption
    @OptionGroup var output: JSONOutputOption

    @Option(name: .customLong("data"), help: ArgumentHelp("The digits CSV.", valueName: "path"))
    var dataPath = "data/digits.csv"

    @OptionGroup var comparison: ComparisonInput<ReferenceResults>

    // MARK: - Derived settings

    var models: [ModelSpec] { [.small, .large] }
    var batchSizes: [Int] { common.quick ? [32, 128] : [32, 128, 1024] }
    /// Batch sizes of the k-direction sweeps (k = 64 at batch 1024 would hold
    /// gigabytes of tangents for the large model).
    var directionBatchSizes: [Int] { common.quick ? [32] : [32, 128] }
    var fullHessianRepetitions: Int { common.quick ? 1 : 2 }

    var policy: MeasurementPolicy {
        var policy = MeasurementPolicy()
        policy.minimumSeconds = timing.minimumSeconds ?? (common.quick ? 0.02 : 0.2)
        policy.minimumRepetitions = common.quick ? 3 : 7
        return policy
    }

    /// Calls `body` for every model and each of `sizes`, models outermost.
    func forEachCase(batchSizes sizes: [Int], _ body: (ModelSpec, Int) -> Void) {
        for model in models {
            for size in sizes { body(model, size) }
        }
    }

    // MARK: - The run

    func run() throws {
        let suites = common.suites
        // Inputs from outside are read before anything is measured, so a bad path fails at once.
        let digits = suites.contains(.digits) ? try DigitsData.read(from: dataPath, examples: digitsExamples) : nil
        let reference = try comparison.read()
        #if DEBUG
            progress("warning: this is a debug build; run with `swift run -c release autograd-bench` for meaningful numbers")
        #endif
        let (policy, seed) = (policy, common.seed)
        let run = RunReport(program: "autograd-bench")
        var tables: [ResultTable] = []
        var records: [ResultRecord] = []
        run.printHeader(
            "seed \(seed), at least \(policy.minimumRepetitions) rounds and \(fixed(policy.minimumSeconds, 2)) s "
                + "per computation per case, the computations of a case interleaved (forward, then reverse order) "
                + "after a warm-up.")

        for suite in suites {
            let suiteLoad = CompetingLoadMonitor()
            switch suite {
            case .gradient:
                var table = gradientTable()
                forEachCase(batchSizes: batchSizes) { model, size in
                    benchmarkGradient(
                        Float.self, model: model, batch: size, policy: policy, seed: seed, into: &table, records: &records)
                }
                table.notes = [
                    "Raw BLAS: the same loss and gradient by hand-derived backprop, `gemm(…, into:)` on preallocated "
                        + "matrices, one fused loop per layer for bias, activation and softmax (RawNetwork.swift). "
                        + "Both sides start from the same weights and batch and agree to 1e-4 before timing."
                ]
                tables.append(table)
            case .hvp:
                var table = hvpTable()
                forEachCase(batchSizes: batchSizes) { model, size in
                    benchmarkHVP(
                        Double.self, model: model, batch: size, policy: policy, seed: seed, into: &table, records: &records)
                }
                forEachCase(batchSizes: batchSizes) { model, size in
                    benchmarkHVP(
                        Float.self, model: model, batch: size, policy: policy, seed: seed, into: &table, records: &records)
                }
                table.notes = [
                    "Same rounds: gradient = forward + `gradient(of:withRespectTo:)`; build = forward + "
                        + "`HessianOperator(of:withRespectTo:)`; HVP = build + `apply(along:)`; apply = `apply(along:)` "
                        + "on an existing operator. Target (the issue): HVP/gradient ≤ \(fixed(hvpTarget.maximumRatio, 1))."
                ]
                tables.append(table)
            case .directions:
                var table = directionsTable()
                forEachCase(batchSizes: directionBatchSizes) { model, size in
                    benchmarkDirections(
                        Double.self, model: model, batch: size, policy: policy, seed: seed, into: &table, records: &records)
                    benchmarkDirections(
                        Float.self, model: model, batch: size, policy: policy, seed: seed, into: &table, records: &records)
                }
                table.notes = ["Per direction = one `apply(to:)` of a P×k matrix / k, on an existing operator."]
                tables.append(table)
            case .digits:
                var table = digitsTable()
                var fullHessians = fullHessianTable()
                benchmarkDigits(
                    data: digits!, policy: policy, fullHessianRepetitions: fullHessianRepetitions, seed: seed,
                    into: &table, fullHessians: &fullHessians, records: &records)
                table.notes = ["Reference (the issue, PyTorch on this machine): ≈ 0.9 ms per gradient, ≈ 2.1 ms per HVP."]
                tables.append(table)
                fullHessians.notes.append("While this table was measured, \(suiteLoad.summary()).")
                tables.append(fullHessians)
                continue
            }
            tables[tables.count - 1].notes.append("While this table was measured, \(suiteLoad.summary()).")
        }

        if let reference { tables += comparisonTables(records, reference) }
        run.printTablesAndSummary(tables, targets: "HVP targets")

        if let path = output.path {
            let results = RunResults(
                arguments: run.arguments, seed: seed, machine: run.machine, totalSeconds: run.elapsedSeconds,
                results: records, pytorch: reference, checksum: checksumOfConsumedResults())
            try RecordFile.write(results, to: path)
            progress("wrote \(path)")
        }
    }
}
