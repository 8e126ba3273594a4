// Options: the command line, read with BenchmarkSupport's ArgumentList (no dependency needed).

import BenchmarkSupport
import DescentLinalg

/// A group of measurements that `--only` can select.
enum Suite: String, CaseIterable {
    case gemm, syevd, elementwise
}

struct Options {
    var suites: [Suite] = Suite.allCases
    var quick = false
    var minimumSeconds: Double?
    var seed: UInt64 = 2024

    static let usage = """
        USAGE: swift run -c release linalg-bench [--quick] [--only <suite>[,<suite>…]] [--min-time <seconds>] [--seed <n>]

        Compares Descent's wrappers with direct OpenBLAS/LAPACKE calls and prints
        Markdown tables (progress goes to standard error).

        OPTIONS:
          --quick              Small sizes only and shorter measurements (a smoke run, ~5 s).
          --only <suite>       gemm, syevd or elementwise; repeat or separate with commas.
          --min-time <seconds> Least measured time per side of each case (default 0.3, quick 0.05).
          --seed <n>           Seed of the random inputs (default 2024).
          -h, --help           Show this help.
        """

    /// Parses `arguments` (without the program name).
    /// - Throws: a message saying what to do, for an unknown or malformed argument.
    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var options = Options()
        var selected: [Suite] = []
        var remaining = ArgumentList(arguments)
        while let argument = remaining.next() {
            switch argument {
            case "-h", "--help":
                throw UsageError(nil)
            case "--quick":
                options.quick = true
            case "--only":
                selected += try remaining.choices(after: argument, kind: "suite") as [Suite]
            case "--min-time":
                options.minimumSeconds = try remaining.seconds(after: argument)
            case "--seed":
                options.seed = try remaining.seed(after: argument)
            default:
                throw UsageError("Unknown argument '\(argument)'")
            }
        }
        if !selected.isEmpty { options.suites = Suite.allCases.filter(selected.contains) }
        return options
    }

    // MARK: - Derived settings

    var gemmSizes: [Int] { quick ? [8, 32, 128] : [8, 32, 128, 512, 2048] }
    var eigenSizes: [Int] { quick ? [100] : [100, 500, 2000] }
    var elementCount: Int { 1_000_000 }

    var policy: MeasurementPolicy {
        var policy = MeasurementPolicy()
        policy.minimumSeconds = minimumSeconds ?? (quick ? 0.05 : 0.3)
        return policy
    }
}

/// The generator for one case's inputs. Each case has its own stream, so its
/// inputs are the same whichever other cases run (`--only`, `--quick`).
func caseGenerator<Scalar>(seed: UInt64, suite: Suite, size: Int, _: Scalar.Type) -> Xoshiro256StarStar {
    let suiteTag = UInt64(Suite.allCases.firstIndex(of: suite) ?? 0)
    let typeTag: UInt64 = Scalar.self == Float.self ? 1 : Scalar.self == Double.self ? 2 : 3
    return Xoshiro256StarStar(seed: seed &+ (suiteTag << 56) &+ (typeTag << 48) &+ UInt64(size))
}
