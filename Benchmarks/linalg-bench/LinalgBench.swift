// LinalgBench: the command line (swift-argument-parser) and the run.
//
// Design note. The options common to the benchmark programs (--quick, --seed,
// --only, --min-time) come from BenchmarkSupport's groups; this file adds the
// sizes each mode measures and the order of the tables. `run()` only
// orchestrates: the measurements are in GEMMBenchmark.swift,
// SymmetricEigenBenchmark.swift and ElementwiseBenchmark.swift.

import ArgumentParser
import BenchmarkSupport
import DescentLinalg

/// A group of measurements that `--only` can select.
enum Suite: String, CaseIterable {
    case gemm, syevd, elementwise
}

struct LinalgBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "linalg-bench",
        abstract: "Compares Descent's wrappers with direct OpenBLAS/LAPACKE calls and prints Markdown tables.",
        discussion: """
            Progress goes to standard error. --quick measures small sizes only, for at least 0.05 s \
            per side (a smoke run, ~5 s); the default --min-time is 0.3 s. \
            Run it as `swift run -c release linalg-bench`.
            """)

    @OptionGroup var common: CommonOptions<Suite>
    @OptionGroup var timing: MinimumTimeOption

    // MARK: - Derived settings

    var gemmSizes: [Int] { common.quick ? [8, 32, 128] : [8, 32, 128, 512, 2048] }
    var eigenSizes: [Int] { common.quick ? [100] : [100, 500, 2000] }
    var elementCount: Int { 1_000_000 }

    var policy: MeasurementPolicy {
        var policy = MeasurementPolicy()
        policy.minimumSeconds = timing.minimumSeconds ?? (common.quick ? 0.05 : 0.3)
        return policy
    }

    // MARK: - The run

    func run() {
        #if DEBUG
            progress("warning: this is a debug build; run with `swift run -c release linalg-bench` for meaningful numbers")
        #endif
        let seed = common.seed
        let run = RunReport(program: "linalg-bench")
        var tables: [ResultTable] = []
        run.printHeader(
            "seed \(seed), at least \(policy.minimumRepetitions) samples and \(fixed(policy.minimumSeconds, 2)) s "
                + "per side per case, ours and direct interleaved ABBA after a warm-up.")

        for suite in common.suites {
            let suiteLoad = CompetingLoadMonitor()
            switch suite {
            case .gemm:
                var table = gemmTable()
                for n in gemmSizes { benchmarkGEMM(Double.self, n: n, policy: policy, seed: seed, into: &table) }
                for n in gemmSizes { benchmarkGEMM(Float.self, n: n, policy: policy, seed: seed, into: &table) }
                table.notes = ["GFLOP/s = 2n³ / median time. Target: ours/direct ≤ 1.03 for n ≥ \(gemmTargetFromSize)."]
                tables.append(table)
            case .syevd:
                var table = eigenTable()
                for n in eigenSizes { benchmarkSymmetricEigen(Double.self, n: n, policy: policy, seed: seed, into: &table) }
                for n in eigenSizes { benchmarkSymmetricEigen(Float.self, n: n, policy: policy, seed: seed, into: &table) }
                table.notes = [
                    "Direct = copy of the input into a work buffer + `LAPACKE_?syevd(LAPACK_COL_MAJOR, 'V', 'L', …)`. "
                        + "Target: ours/direct ≤ 1.05."
                ]
                tables.append(table)
            case .elementwise:
                var table = elementwiseTable(count: elementCount)
                benchmarkElementwise(count: elementCount, policy: policy, seed: seed, into: &table)
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
        run.printTablesAndSummary(tables, targets: "targets")
    }
}

/// The generator for one case's inputs. Each case has its own stream, so its
/// inputs are the same whichever other cases run (`--only`, `--quick`).
func caseGenerator<Scalar>(seed: UInt64, suite: Suite, size: Int, _: Scalar.Type) -> Xoshiro256StarStar {
    let suiteTag = UInt64(Suite.allCases.firstIndex(of: suite) ?? 0)
    let typeTag: UInt64 = Scalar.self == Float.self ? 1 : Scalar.self == Double.self ? 2 : 3
    return Xoshiro256StarStar(seed: seed &+ (suiteTag << 56) &+ (typeTag << 48) &+ UInt64(size))
}
