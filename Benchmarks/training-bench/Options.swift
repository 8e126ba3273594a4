// Options: the command line, read with BenchmarkSupport's ArgumentList (no dependency needed).

import BenchmarkSupport

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

struct Options {
    var suites: [Suite] = Suite.allCases
    var quick = false
    var runs: Int?
    var minimumRunSeconds: Double?
    var seed: UInt64 = 2024
    var threads = 2
    var recordsSteps = true
    var jsonPath: String?
    var frameworksPath: String?
    var attempts = 4
    var competingLoadLimit = 0.10
    var optimizers: [OptimizerKind] = OptimizerKind.allCases
    var batchSizes = [32, 128, 1024]

    static let usage = """
        USAGE: swift run -c release --scratch-path .build-bench training-bench [--quick] [--only <suite>[,<suite>…]]
                   [--optimizers <list>] [--batches <list>] [--runs <n>] [--min-run-time <seconds>]
                   [--attempts <n>] [--load-limit <percent>] [--threads <n>] [--no-step-records] [--seed <n>] [--json <path>] [--frameworks <path>]

        Measures training throughput (samples per second) of the 64-128-10 ReLU MLP on
        the digits data set (all 1797 examples) with SGD, SGD+momentum and Adam at batch
        32, 128 and 1024, through the Trainer and through a hand-written engine-step loop,
        where a step's time goes, and the wall time of 20 epochs of Adam at batch 32.
        Prints Markdown (progress goes to standard error).

        OPTIONS:
          --quick                  5 runs of at least 0.05 s per case (a smoke run).
          --only <suite>           epochs, throughput or phases; repeat or separate with commas.
          --optimizers <list>      Some of sgd, momentum, adam, separated by commas (default all).
          --batches <list>         Batch sizes separated by commas (default 32,128,1024).
          --runs <n>               Timed runs per case, at least 5 (default 7); the median is reported.
          --min-run-time <seconds> Least duration of one run (default 0.25 s): a run trains as many
                                   whole epochs as that takes.
          --attempts <n>           Measure a case again, up to n times in all (default 4), while other
                                   processes used more than --load-limit of the CPUs during it.
          --load-limit <percent>   The competing load tolerated during a case (default 10).
          --threads <n>            OpenBLAS threads, set with openblas_set_num_threads (default 2).
          --no-step-records        Trainer runs with recordsSteps: false (default: true, the library default).
          --seed <n>               Seed of the weights and of the batch order (default 2024).
          --json <path>            Also write every result as JSON to <path>.
          --frameworks <path>      JSON from scripts/bench_training_frameworks.py: adds PyTorch and JAX
                                   columns and the ratios.
          -h, --help               Show this help.
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
            case "--optimizers":
                options.optimizers = try remaining.choices(after: argument, kind: "optimizer")
            case "--batches":
                let text = try remaining.value(after: argument)
                let sizes = text.split(separator: ",").compactMap { Int($0) }.filter { $0 >= 1 }
                guard !sizes.isEmpty, sizes.count == text.split(separator: ",").count else {
                    throw UsageError("--batches needs positive integers separated by commas, got '\(text)'")
                }
                options.batchSizes = sizes
            case "--runs":
                options.runs = try remaining.integer(after: argument, least: 5)
            case "--min-run-time":
                options.minimumRunSeconds = try remaining.seconds(after: argument)
            case "--attempts":
                options.attempts = try remaining.integer(after: argument, least: 1)
            case "--load-limit":
                let text = try remaining.value(after: argument)
                guard let percent = Double(text), percent >= 0, percent <= 100 else {
                    throw UsageError("--load-limit needs a percentage from 0 to 100, got '\(text)'")
                }
                options.competingLoadLimit = percent / 100
            case "--threads":
                options.threads = try remaining.integer(after: argument, least: 1)
            case "--no-step-records":
                options.recordsSteps = false
            case "--seed":
                options.seed = try remaining.seed(after: argument)
            case "--json":
                options.jsonPath = try remaining.value(after: argument)
            case "--frameworks":
                options.frameworksPath = try remaining.value(after: argument)
            default:
                throw UsageError("Unknown argument '\(argument)'")
            }
        }
        if !selected.isEmpty { options.suites = Suite.allCases.filter(selected.contains) }
        return options
    }

    // MARK: - Derived settings

    var repetitions: Int { runs ?? (quick ? 5 : 7) }
    var runSeconds: Double { minimumRunSeconds ?? (quick ? 0.05 : 0.25) }
}
