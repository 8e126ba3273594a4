// Options: the command line, read with BenchmarkSupport's ArgumentList (no dependency needed).

import BenchmarkSupport

/// A group of measurements that `--only` can select.
enum Suite: String, CaseIterable {
    case gradient, hvp, directions, digits
}

struct Options {
    var suites: [Suite] = Suite.allCases
    var quick = false
    var minimumSeconds: Double?
    var seed: UInt64 = 2024
    var jsonPath: String?
    var dataPath = "data/digits.csv"
    var pytorchPath: String?

    static let usage = """
        USAGE: swift run -c release autograd-bench [--quick] [--only <suite>[,<suite>…]] [--min-time <seconds>]
                                                   [--seed <n>] [--json <path>] [--data <path>] [--pytorch <path>]

        Measures the autograd engine's gradient and Hessian-vector products against
        hand-written backprop on BLAS, and prints Markdown tables (progress goes to
        standard error).

        OPTIONS:
          --quick              Small sizes only and short measurements (a smoke run, ~30 s).
          --only <suite>       gradient, hvp, directions or digits; repeat or separate with commas.
          --min-time <seconds> Least measured time per computation of each case (default 0.2, quick 0.02).
          --seed <n>           Seed of the random weights and inputs (default 2024).
          --json <path>        Also write every median as JSON to <path> (atomically).
          --data <path>        The digits CSV (default data/digits.csv).
          --pytorch <path>     JSON from scripts/bench_pytorch_autograd.py: adds a comparison table.
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
            case "--json":
                options.jsonPath = try remaining.value(after: argument)
            case "--data":
                options.dataPath = try remaining.value(after: argument)
            case "--pytorch":
                options.pytorchPath = try remaining.value(after: argument)
            default:
                throw UsageError("Unknown argument '\(argument)'")
            }
        }
        if !selected.isEmpty { options.suites = Suite.allCases.filter(selected.contains) }
        return options
    }

    // MARK: - Derived settings

    var models: [ModelSpec] { [.small, .large] }
    var batchSizes: [Int] { quick ? [32, 128] : [32, 128, 1024] }
    /// Batch sizes of the k-direction sweeps (k = 64 at batch 1024 would hold
    /// gigabytes of tangents for the large model).
    var directionBatchSizes: [Int] { quick ? [32] : [32, 128] }
    var fullHessianRepetitions: Int { quick ? 1 : 2 }

    var policy: MeasurementPolicy {
        var policy = MeasurementPolicy()
        policy.minimumSeconds = minimumSeconds ?? (quick ? 0.02 : 0.2)
        policy.minimumRepetitions = quick ? 3 : 7
        return policy
    }
}
