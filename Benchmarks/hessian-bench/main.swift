// hessian-bench: exact Hessians of one-hidden-layer digits MLPs (structured
// assembly and generic forward-over-reverse) with their eigen-decompositions,
// and top-5 Lanczos on a 784-256-256-10 MLP, against JAX measured in the same
// session by scripts/bench_hessian_jax.py.
// Run: swift run -c release --scratch-path .build-bench hessian-bench [--quick] [--json PATH] [--frameworks PATH]
// The method and the latest results are in docs/benchmarks.md ("Hessians").

import BenchmarkSupport
import DescentNN
import Foundation

let options: Options
let frameworks: FrameworkResults?
let digits: DigitsProblem?
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    // Inputs from outside are read before anything is measured, so a bad path fails at once.
    frameworks = try options.frameworksPath.map { path throws(UsageError) in try FrameworkResults.read(from: path) }
    digits = options.suites.contains(.exact) ? try DigitsProblem.load() : nil
    if let path = options.jsonPath { try checkWritable(path) }
} catch {
    if let message = error.message {
        progress("error: \(message)")
        exit(2)
    }
    print(Options.usage)
    exit(0)
}

#if DEBUG
    progress("warning: this is a debug build; run with `swift run -c release hessian-bench` for meaningful numbers")
#endif

let started = monotonicNanoseconds()
let competingLoad = CompetingLoadMonitor()
let machine = MachineDescription.current()
var tables: [ResultTable] = []
var exactRecords: [ExactRecord] = []
var lanczosRecord: LanczosRecord?

print("# hessian-bench results\n")
print(machine.markdown)
print("- Load average (1, 5, 15 min) at start: \(loadAverage())")
print(
    """
    - Run: `\(CommandLine.arguments.dropFirst().isEmpty ? "default" : CommandLine.arguments.dropFirst().joined(separator: " "))`, \
    seed \(options.seed); \(options.timedRepeats) timed calls per quantity (median), \
    \(options.timedGenericRepeats) per generic full Hessian.
    """)
if let frameworks {
    print(
        "- JAX \(frameworks.jaxVersion), SciPy \(frameworks.scipyVersion), \(frameworks.threads) threads "
            + "(\(frameworks.threadSettings)), \(frameworks.repeats) calls per quantity, from \(frameworks.program).")
    if frameworks.seed != options.seed {
        print("- **Warning:** JAX ran with seed \(frameworks.seed), we with \(options.seed): the spectra are not comparable.")
    }
}

do {
    for suite in options.suites {
        switch suite {
        case .exact:
            for hidden in options.hiddenWidths {
                for loss in options.losses {
                    exactRecords.append(
                        try measuredWhileQuiet("64-\(hidden)-10 \(lossName(loss))") {
                            try benchmarkExact(
                                hidden: hidden, loss: loss, data: digits!, repeats: options.timedRepeats,
                                genericRepeats: options.timedGenericRepeats, seed: options.seed)
                        })
                }
            }
            let loads = exactRecords.compactMap(\.competingLoad)
            var assembly = assemblyTable(exactRecords, frameworks: frameworks)
            assembly.notes.append(
                "Other processes used \(fixed(100 * (loads.max() ?? .nan), 1))% of the CPUs at most during one of our "
                    + "cases (a case is measured again, up to \(options.attempts) times, above "
                    + "\(fixed(100 * options.competingLoadLimit, 0))%).")
            tables.append(assembly)
            tables.append(eigenTable(exactRecords, frameworks: frameworks))
            tables.append(totalTable(exactRecords, frameworks: frameworks))
            if let frameworks, frameworks.seed == options.seed {
                tables.append(agreementTable(exactRecords, frameworks: frameworks))
            }
        case .lanczos:
            let record = try measuredWhileQuiet("lanczos") {
                try benchmarkLanczos(seed: options.seed, repeats: options.timedRepeats)
            }
            lanczosRecord = record
            var table = lanczosTable(record, frameworks: frameworks?.seed == options.seed ? frameworks : nil)
            table.notes.append(
                "Other processes used \(fixed(100 * (record.competingLoad ?? .nan), 1))% of the CPUs during this case.")
            tables.append(table)
        }
    }
} catch {
    progress("error: \(error)")
    exit(1)
}

for table in tables { print("\n" + table.markdown) }

/// Runs `measure` again, up to `--attempts` times in all, while other processes
/// used more than `--load-limit` of the CPUs during it (on the shared 2-CPU
/// machine a build next door doubles a time); keeps the last result.
func measuredWhileQuiet<Record: LoadRecording>(_ label: String, _ measure: () throws -> Record) rethrows -> Record {
    var attempt = 1
    while true {
        var record = try measure()
        record.attempts = attempt
        let load = record.competingLoad ?? 0
        if load <= options.competingLoadLimit || attempt >= options.attempts { return record }
        progress("  \(label): other processes used \(fixed(100 * load, 0))% of the CPUs; measuring again")
        attempt += 1
    }
}

let verdicts = tables.flatMap(\.verdicts)
let passed = verdicts.filter { $0 == .pass }.count
let failed = verdicts.filter { $0 == .fail }.count
let elapsed = Double(monotonicNanoseconds() - started) * 1e-9
print(
    "\n**Summary:** \(passed) of \(passed + failed) targets pass\(failed > 0 ? ", \(failed) FAIL" : "")"
        + (frameworks == nil ? " (no JAX results given: run scripts/bench_hessian_jax.py and pass --frameworks)" : "")
        + "; total run time \(fixed(elapsed, 0)) s. During the run \(competingLoad.summary()); "
        + "load average at the end \(loadAverage()). (Checksum of consumed results: \(checksumOfConsumedResults()).)")

if let path = options.jsonPath {
    let results = RunResults(
        arguments: Array(CommandLine.arguments.dropFirst()), seed: options.seed, machine: machine, totalSeconds: elapsed,
        exact: exactRecords, lanczos: lanczosRecord, frameworks: frameworks, checksum: checksumOfConsumedResults())
    do {
        try write(results, to: path)
        progress("wrote \(path)")
    } catch {
        progress("error: \(error.message ?? "cannot write \(path)")")
        exit(1)
    }
}
