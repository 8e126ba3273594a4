// linalg-bench: what Descent's wrappers cost over direct OpenBLAS/LAPACKE
// calls, and whether its generic element-wise code is specialized.
// Run: swift run -c release linalg-bench [--quick] [--only gemm|syevd|elementwise]
// The method and the latest results are in docs/benchmarks.md.

import BenchmarkSupport
import DescentLinalg
import Foundation

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    if let message = error.message {
        progress("error: \(message)\n")
        progress(Options.usage)
        exit(2)
    }
    print(Options.usage)
    exit(0)
}

#if DEBUG
    progress("warning: this is a debug build; run with `swift run -c release linalg-bench` for meaningful numbers")
#endif

let policy = options.policy
let started = monotonicNanoseconds()
let competingLoad = CompetingLoadMonitor()
var tables: [ResultTable] = []

print("# linalg-bench results\n")
print(MachineDescription.current().markdown)
print("- Load average (1, 5, 15 min) at start: \(loadAverage())")
print(
    """
    - Run: `\(CommandLine.arguments.dropFirst().isEmpty ? "default" : CommandLine.arguments.dropFirst().joined(separator: " "))`, \
    seed \(options.seed), at least \(policy.minimumRepetitions) samples and \(fixed(policy.minimumSeconds, 2)) s \
    per side per case, ours and direct interleaved ABBA after a warm-up.
    """)

for suite in options.suites {
    let suiteLoad = CompetingLoadMonitor()
    switch suite {
    case .gemm:
        var table = gemmTable()
        for n in options.gemmSizes { benchmarkGEMM(Double.self, n: n, policy: policy, seed: options.seed, into: &table) }
        for n in options.gemmSizes { benchmarkGEMM(Float.self, n: n, policy: policy, seed: options.seed, into: &table) }
        table.notes = ["GFLOP/s = 2n³ / median time. Target: ours/direct ≤ 1.03 for n ≥ \(gemmTargetFromSize)."]
        tables.append(table)
    case .syevd:
        var table = eigenTable()
        for n in options.eigenSizes {
            benchmarkSymmetricEigen(Double.self, n: n, policy: policy, seed: options.seed, into: &table)
        }
        for n in options.eigenSizes {
            benchmarkSymmetricEigen(Float.self, n: n, policy: policy, seed: options.seed, into: &table)
        }
        table.notes = [
            "Direct = copy of the input into a work buffer + `LAPACKE_?syevd(LAPACK_COL_MAJOR, 'V', 'L', …)`. "
                + "Target: ours/direct ≤ 1.05."
        ]
        tables.append(table)
    case .elementwise:
        var table = elementwiseTable(count: options.elementCount)
        benchmarkElementwise(count: options.elementCount, policy: policy, seed: options.seed, into: &table)
        table.notes = [
            "GB/s counts the minimum traffic (read a and b, write the result; or read a). "
                + "Target: ours/hand-written ≤ \(fixed(elementwiseTarget.maximumRatio, 2)); a ratio above "
                + "\(fixed(unspecializedRatio, 0)) means unspecialized generic code, as the forced-unspecialized "
                + "reference rows show."
        ]
        tables.append(table)
    }
    tables[tables.count - 1].notes.append("While this table was measured, \(suiteLoad.summary()).")
}

for table in tables { print("\n" + table.markdown) }

let verdicts = tables.flatMap(\.verdicts)
let passed = verdicts.filter { $0 == .pass }.count
let failed = verdicts.filter { $0 == .fail }.count
let elapsed = Double(monotonicNanoseconds() - started) * 1e-9
print(
    "\n**Summary:** \(passed) of \(passed + failed) targets pass\(failed > 0 ? ", \(failed) FAIL" : ""); "
        + "total run time \(fixed(elapsed, 0)) s. During the run \(competingLoad.summary()); "
        + "load average at the end \(loadAverage()). (Checksum of consumed results: \(checksumOfConsumedResults()).)")
