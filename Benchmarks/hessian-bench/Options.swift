// Options: the command line, read with BenchmarkSupport's ArgumentList (no dependency needed).

import BenchmarkSupport
import DescentNN

/// A group of measurements that `--only` can select.
enum Suite: String, CaseIterable {
    /// Exact Hessians of the digits models (structured and generic) and their eigen-decompositions.
    case exact
    /// Top-5 Lanczos on the 784-256-256-10 model.
    case lanczos
}

struct Options {
    var suites: [Suite] = Suite.allCases
    var quick = false
    var repeats: Int?
    var genericRepeats: Int?
    var hiddenWidths = [16, 32, 64]
    var losses: [Loss] = [.quadratic, .softmaxCrossEntropy]
    var seed: UInt64 = 2024
    var jsonPath: String?
    var frameworksPath: String?
    var attempts = 3
    var competingLoadLimit = 0.10

    static let usage = """
        USAGE: swift run -c release --scratch-path .build-bench hessian-bench [--quick] [--only <suite>[,<suite>…]]
                   [--models <widths>] [--losses <list>] [--repeats <n>] [--generic-repeats <n>] [--seed <n>]
                   [--attempts <n>] [--load-limit <percent>] [--json <path>] [--frameworks <path>]

        Measures exact Hessians of 64-h-10 tanh MLPs on the digits data (all 1797
        examples, standardized inputs, one-hot targets): the structured assembly
        (OneHiddenLayerHessian), the generic forward-over-reverse fullHessian, and the
        eigen-decomposition with and without vectors; and top-5 Lanczos on a
        784-256-256-10 tanh MLP (1000 random Gaussian inputs, random labels). Prints
        Markdown (progress goes to standard error).

        OPTIONS:
          --quick                  The 64-16-10 model only, one repeat, no Lanczos (a smoke run).
          --only <suite>           exact or lanczos; repeat or separate with commas.
          --models <widths>        Hidden widths of the digits models, separated by commas (default 16,32,64).
          --losses <list>          quadratic and/or softmax (default both).
          --repeats <n>            Timed calls per quantity, interleaved (default 3); the median is reported.
          --generic-repeats <n>    Timed generic fullHessian calls per case, 0 to skip (default 1).
          --seed <n>               Seed of the weights and random inputs (default 2024); give the
                                   Python script the same one to compare eigenvalues.
          --attempts <n>           Measure a case again, up to n times in all (default 3), while other
                                   processes used more than --load-limit of the CPUs during it.
          --load-limit <percent>   The competing load tolerated during a case (default 10).
          --json <path>            Also write every result as JSON to <path>.
          --frameworks <path>      JSON from scripts/bench_hessian_jax.py: adds JAX columns, ratios
                                   and the agreement of the eigenvalues.
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
            case "--models":
                let text = try remaining.value(after: argument)
                let widths = text.split(separator: ",").compactMap { Int($0) }
                guard !widths.isEmpty, widths.count == text.split(separator: ",").count, widths.allSatisfy({ $0 >= 1 })
                else { throw UsageError("--models needs hidden widths ≥ 1 separated by commas, got '\(text)'") }
                options.hiddenWidths = widths
            case "--losses":
                let text = try remaining.value(after: argument)
                var losses: [Loss] = []
                for name in text.split(separator: ",") {
                    switch name {
                    case "quadratic": losses.append(.quadratic)
                    case "softmax": losses.append(.softmaxCrossEntropy)
                    default: throw UsageError("Unknown loss '\(name)'; choose from quadratic, softmax")
                    }
                }
                options.losses = losses
            case "--repeats":
                options.repeats = try remaining.integer(after: argument, least: 1)
            case "--generic-repeats":
                options.genericRepeats = try remaining.integer(after: argument, least: 0)
            case "--seed":
                options.seed = try remaining.seed(after: argument)
            case "--attempts":
                options.attempts = try remaining.integer(after: argument, least: 1)
            case "--load-limit":
                let text = try remaining.value(after: argument)
                guard let percent = Double(text), percent >= 0, percent <= 100 else {
                    throw UsageError("--load-limit needs a percentage between 0 and 100, got '\(text)'")
                }
                options.competingLoadLimit = percent / 100
            case "--json":
                options.jsonPath = try remaining.value(after: argument)
            case "--frameworks":
                options.frameworksPath = try remaining.value(after: argument)
            default:
                throw UsageError("Unknown argument '\(argument)'")
            }
        }
        if !selected.isEmpty { options.suites = Suite.allCases.filter(selected.contains) }
        if options.quick {
            options.hiddenWidths = [16]
            options.suites = options.suites.filter { $0 != .lanczos }
        }
        return options
    }

    /// Timed calls per quantity.
    var timedRepeats: Int { repeats ?? (quick ? 1 : 3) }
    /// Timed generic fullHessian calls per case.
    var timedGenericRepeats: Int { genericRepeats ?? 1 }
}
