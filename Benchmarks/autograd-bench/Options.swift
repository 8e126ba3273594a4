// Options: the command line, parsed by hand (the benchmark takes no dependencies).

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
        var remaining = arguments[...]
        func value(after flag: String) throws(UsageError) -> String {
            guard let next = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
            return next
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "-h", "--help":
                throw UsageError(nil)
            case "--quick":
                options.quick = true
            case "--only":
                for name in try value(after: argument).split(separator: ",") {
                    guard let suite = Suite(rawValue: String(name)) else {
                        throw UsageError(
                            "Unknown suite '\(name)'; choose from \(Suite.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    selected.append(suite)
                }
            case "--min-time":
                let text = try value(after: argument)
                guard let seconds = Double(text), seconds > 0 else {
                    throw UsageError("--min-time needs a positive number of seconds, got '\(text)'")
                }
                options.minimumSeconds = seconds
            case "--seed":
                let text = try value(after: argument)
                guard let seed = UInt64(text) else { throw UsageError("--seed needs a non-negative integer, got '\(text)'") }
                options.seed = seed
            case "--json":
                options.jsonPath = try value(after: argument)
            case "--data":
                options.dataPath = try value(after: argument)
            case "--pytorch":
                options.pytorchPath = try value(after: argument)
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

/// A command-line or input mistake (or a request for help, when `message` is nil).
struct UsageError: Error {
    var message: String?
    init(_ message: String?) { self.message = message }
}
