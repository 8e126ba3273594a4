// training-bench: training throughput of the 64-128-10 ReLU MLP on the digits
// data set, through the Trainer and through a hand-written engine step, against
// PyTorch and JAX measured by scripts/bench_training_frameworks.py.
// Run: swift run -c release --scratch-path .build-bench training-bench [--quick] [--json PATH] [--frameworks PATH]
// The method and the latest results are in docs/benchmarks.md ("Training").

import BenchmarkSupport
import COpenBLAS
import DescentTraining
import Foundation

let options: Options
let frameworks: FrameworkResults?
let data: Dataset<Float>
do throws(UsageError) {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    // Inputs from outside are read before anything is measured, so a bad path fails at once.
    frameworks = try options.frameworksPath.map { path throws(UsageError) in try FrameworkResults.read(from: path) }
    if let path = options.jsonPath { try checkWritable(path) }
    do { data = try loadDigits() } catch { throw UsageError("cannot load the bundled digits data set: \(error)") }
} catch {
    if let message = error.message {
        progress("error: \(message)")
        exit(2)
    }
    print(Options.usage)
    exit(0)
}

#if DEBUG
    progress("warning: this is a debug build; run with `swift run -c release training-bench` for meaningful numbers")
#endif

// OpenBLAS reads OPENBLAS_NUM_THREADS once, when the library is loaded (before
// main), so setting the variable here would do nothing; the call below is the
// way to choose the count from inside the process.
openblas_set_num_threads(Int32(options.threads))

let started = monotonicNanoseconds()
let competingLoad = CompetingLoadMonitor()
let machine = MachineDescription.current()
let model = makeModel(seed: options.seed)
var tables: [ResultTable] = []
var throughput: [CaseResult] = []
var phases: [PhaseRecord] = []
var twentyEpochs: EpochsRecord?

print("# training-bench results\n")
print(machine.markdown)
print("- Load average (1, 5, 15 min) at start: \(loadAverage())")
print(
    """
    - Run: `\(CommandLine.arguments.dropFirst().isEmpty ? "default" : CommandLine.arguments.dropFirst().joined(separator: " "))`, \
    seed \(options.seed), \(options.repetitions) runs per case of at least \(fixed(options.runSeconds, 2)) s each \
    (whole epochs), Trainer `recordsSteps: \(options.recordsSteps)`, OpenBLAS threads \(machine.openBLASThreads).
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

for suite in options.suites {
    let suiteLoad = CompetingLoadMonitor()
    switch suite {
    case .epochs:
        progress("20 epochs of Adam at batch 32…")
        var (result, load) = measureWhileQuiet("20 epochs", options: options) {
            measureTwentyEpochs(data: data, model: model, options: options)
        }
        result.record.competingLoad = load
        twentyEpochs = result.record
        tables.append(twentyEpochsTable(result.record, cold: result.cold, frameworks: frameworks))
    case .throughput:
        for kind in options.optimizers {
            for batch in options.batchSizes {
                progress("throughput: \(kind.rawValue), batch \(batch)…")
                var (result, load) = measureWhileQuiet("\(kind.rawValue), batch \(batch)", options: options) {
                    measureThroughput(kind, batch: batch, data: data, model: model, options: options)
                }
                result.trainer.competingLoad = load
                result.engine.competingLoad = load
                throughput.append(result)
            }
        }
        tables.append(throughputTable(throughput, frameworks: frameworks))
    case .phases:
        for kind in options.optimizers {
            for batch in options.batchSizes {
                progress("phases: \(kind.rawValue), batch \(batch)…")
                phases +=
                    measureWhileQuiet("phases \(kind.rawValue), batch \(batch)", options: options) {
                        measurePhases(kind, batch: batch, data: data, model: model, options: options)
                    }.result
            }
        }
        tables.append(phaseTable(phases, throughput: throughput, examples: data.count))
    }
    tables[tables.count - 1].notes.append("While this table was measured, \(suiteLoad.summary()).")
}

for table in tables { print("\n" + table.markdown) }

let verdicts = tables.flatMap(\.verdicts)
let passed = verdicts.filter { $0 == .pass }.count
let failed = verdicts.filter { $0 == .fail }.count
let elapsed = Double(monotonicNanoseconds() - started) * 1e-9
let summary = passed + failed > 0 ? "\(passed) of \(passed + failed) targets pass; " : ""
print(
    "\n**Summary:** \(summary)total run time \(fixed(elapsed, 0)) s. During the run \(competingLoad.summary()); "
        + "load average at the end \(loadAverage()). (Checksum of consumed results: \(checksumOfConsumedResults()).)")

if let path = options.jsonPath {
    let results = RunResults(
        arguments: Array(CommandLine.arguments.dropFirst()), seed: options.seed, examples: data.count,
        recordsSteps: options.recordsSteps, machine: machine, totalSeconds: elapsed,
        throughput: throughput.flatMap { [$0.trainer, $0.engine] }, phases: phases,
        twentyEpochs: twentyEpochs.map { [$0] } ?? [], frameworks: frameworks, checksum: checksumOfConsumedResults())
    do {
        try write(results, to: path)
        progress("wrote \(path)")
    } catch {
        progress("error: \(error.message ?? "cannot write \(path)")")
        exit(1)
    }
}
