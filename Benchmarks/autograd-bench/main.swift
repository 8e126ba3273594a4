// autograd-bench: what Descent's autograd costs over hand-written backprop on
// BLAS, and what its exact Hessian-vector products cost over a gradient.
// Run: swift run -c release autograd-bench [--quick] [--only gradient|hvp|directions|digits] [--json PATH]
// The method and the latest results are in docs/benchmarks.md ("Autograd").

import BenchmarkSupport
import DescentNN
import Foundation

let options: Options
let digits: DigitsData?
let reference: ReferenceResults?
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    // Inputs from outside are read before anything is measured, so a bad path fails at once.
    digits =
        options.suites.contains(.digits) ? try DigitsData.read(from: options.dataPath, examples: digitsExamples) : nil
    reference = try options.pytorchPath.map { path throws(UsageError) in try ReferenceResults.read(from: path) }
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
    progress("warning: this is a debug build; run with `swift run -c release autograd-bench` for meaningful numbers")
#endif

let policy = options.policy
let started = monotonicNanoseconds()
let competingLoad = CompetingLoadMonitor()
let machine = MachineDescription.current()
var tables: [ResultTable] = []
var records: [ResultRecord] = []

print("# autograd-bench results\n")
print(machine.markdown)
print("- Load average (1, 5, 15 min) at start: \(loadAverage())")
print(
    """
    - Run: `\(CommandLine.arguments.dropFirst().isEmpty ? "default" : CommandLine.arguments.dropFirst().joined(separator: " "))`, \
    seed \(options.seed), at least \(policy.minimumRepetitions) rounds and \(fixed(policy.minimumSeconds, 2)) s \
    per computation per case, the computations of a case interleaved (forward, then reverse order) after a warm-up.
    """)

for suite in options.suites {
    let suiteLoad = CompetingLoadMonitor()
    switch suite {
    case .gradient:
        var table = gradientTable()
        for model in options.models {
            for size in options.batchSizes {
                benchmarkGradient(
                    Float.self, model: model, batch: size, policy: policy, seed: options.seed, into: &table,
                    records: &records)
            }
        }
        table.notes = [
            "Raw BLAS: the same loss and gradient by hand-derived backprop, `gemm(…, into:)` on preallocated "
                + "matrices, one fused loop per layer for bias, activation and softmax (RawNetwork.swift). "
                + "Both sides start from the same weights and batch and agree to 1e-4 before timing."
        ]
        tables.append(table)
    case .hvp:
        var table = hvpTable()
        for scalar in ["Double", "Float"] {
            for model in options.models {
                for size in options.batchSizes {
                    if scalar == "Double" {
                        benchmarkHVP(
                            Double.self, model: model, batch: size, policy: policy, seed: options.seed, into: &table,
                            records: &records)
                    } else {
                        benchmarkHVP(
                            Float.self, model: model, batch: size, policy: policy, seed: options.seed, into: &table,
                            records: &records)
                    }
                }
            }
        }
        table.notes = [
            "Same rounds: gradient = forward + `gradient(of:withRespectTo:)`; build = forward + "
                + "`HessianOperator(of:withRespectTo:)`; HVP = build + `apply(along:)`; apply = `apply(along:)` on an "
                + "existing operator. Target (the issue): HVP/gradient ≤ \(fixed(hvpTarget.maximumRatio, 1))."
        ]
        tables.append(table)
    case .directions:
        var table = directionsTable()
        for model in options.models {
            for size in options.directionBatchSizes {
                benchmarkDirections(
                    Double.self, model: model, batch: size, policy: policy, seed: options.seed, into: &table,
                    records: &records)
                benchmarkDirections(
                    Float.self, model: model, batch: size, policy: policy, seed: options.seed, into: &table,
                    records: &records)
            }
        }
        table.notes = ["Per direction = one `apply(to:)` of a P×k matrix / k, on an existing operator."]
        tables.append(table)
    case .digits:
        var table = digitsTable()
        var fullHessians = fullHessianTable()
        benchmarkDigits(
            data: digits!, policy: policy, fullHessianRepetitions: options.fullHessianRepetitions, seed: options.seed,
            into: &table, fullHessians: &fullHessians, records: &records)
        table.notes = ["Reference (the issue, PyTorch on this machine): ≈ 0.9 ms per gradient, ≈ 2.1 ms per HVP."]
        tables.append(table)
        fullHessians.notes.append("While this table was measured, \(suiteLoad.summary()).")
        tables.append(fullHessians)
        continue
    }
    tables[tables.count - 1].notes.append("While this table was measured, \(suiteLoad.summary()).")
}

if let reference {
    tables += comparisonTables(records, reference)
}

for table in tables { print("\n" + table.markdown) }

let verdicts = tables.flatMap(\.verdicts)
let passed = verdicts.filter { $0 == .pass }.count
let failed = verdicts.filter { $0 == .fail }.count
let elapsed = Double(monotonicNanoseconds() - started) * 1e-9
print(
    "\n**Summary:** \(passed) of \(passed + failed) HVP targets pass\(failed > 0 ? ", \(failed) FAIL" : ""); "
        + "total run time \(fixed(elapsed, 0)) s. During the run \(competingLoad.summary()); "
        + "load average at the end \(loadAverage()). (Checksum of consumed results: \(checksumOfConsumedResults()).)")

if let path = options.jsonPath {
    let results = RunResults(
        arguments: Array(CommandLine.arguments.dropFirst()), seed: options.seed, machine: machine, totalSeconds: elapsed,
        results: records, pytorch: reference, checksum: checksumOfConsumedResults())
    do {
        try writeAtomically(results, to: path)
        progress("wrote \(path)")
    } catch {
        progress("error: \(error.message ?? "cannot write \(path)")")
        exit(1)
    }
}
