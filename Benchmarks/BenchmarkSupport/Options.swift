// Options: the command-line options the four benchmark programs share, as
// swift-argument-parser groups that each program pulls in with `@OptionGroup`.
//
// Design note. The programs keep every option name they had when they parsed
// the command line by hand (docs/benchmarks.md and the README cite those
// commands). What is common is declared once here: `CommonOptions` (--quick,
// --seed and --only, generic over each program's enumeration of suites) in
// every program, --min-time in two, --attempts/--load-limit in two; --json and
// the comparison inputs live with their reader and writer in Records.swift.
// Values are checked while parsing (a transform or `validate()`), so a mistake
// is a usage error — one line on standard error, status 64, through
// CommandLineSupport's `runAsProgram()` — before anything is measured.

import ArgumentParser

// MARK: - Every program

/// `--quick`, `--seed` and `--only <suite>`, in every benchmark program; generic
/// over the program's enumeration of suites.
public struct CommonOptions<Suite: CaseIterable & RawRepresentable & Equatable & Sendable>: ParsableArguments
where Suite.RawValue == String {
    @Flag(help: "A smoke run: small sizes and short measurements (the program's description says which).")
    public var quick = false

    @Option(help: "Seed of the random weights and inputs.")
    public var seed: UInt64 = 2024

    @Option(
        name: .customLong("only"),
        help: ArgumentHelp(
            "Run only these suites: \(Suite.allCases.map(\.rawValue).joined(separator: ", ")); repeat or separate with commas.",
            valueName: "suite"),
        transform: { text in try commaSeparatedChoices(text, kind: "suite") as [Suite] })
    var chosenSuites: [[Suite]] = []

    public init() {}

    /// The chosen suites in the program's order (every suite when none was named).
    public var suites: [Suite] {
        let named = chosenSuites.flatMap { $0 }
        return named.isEmpty ? Array(Suite.allCases) : Suite.allCases.filter(named.contains)
    }
}

// MARK: - Measurement

/// `--min-time <seconds>`: the least measured time per case and side (linalg-bench, autograd-bench).
public struct MinimumTimeOption: ParsableArguments {
    @Option(
        name: .customLong("min-time"),
        help: ArgumentHelp(
            "Least measured time per side (computation) of each case; the program says its default.",
            valueName: "seconds"),
        transform: { text in try positiveSeconds(text, option: "--min-time") })
    public var minimumSeconds: Double?

    public init() {}
}

/// `--attempts` and `--load-limit`: measure a case again while other processes
/// used the CPUs (training-bench, hessian-bench; each program has its own default
/// number of attempts).
public struct RetryOptions: ParsableArguments {
    @Option(
        name: .customLong("attempts"),
        help: ArgumentHelp(
            "Measure a case again, up to n times in all, while other processes used more than --load-limit of the CPUs during it (default: 4 in training-bench, 3 in hessian-bench).",
            valueName: "n"),
        transform: { text in try integer(text, least: 1, option: "--attempts") })
    var requestedAttempts: Int?

    @Option(
        name: .customLong("load-limit"),
        help: ArgumentHelp(
            "The competing load tolerated during a case, in percent of the CPUs (default 10).", valueName: "percent"),
        transform: { text in try percentage(text, option: "--load-limit") })
    var loadLimitPercent: Double = 10

    public init() {}

    /// The number of attempts: the one given, or `defaultAttempts`.
    public func attempts(default defaultAttempts: Int) -> Int { requestedAttempts ?? defaultAttempts }

    /// The tolerated competing load as a share of the CPUs (0…1).
    public var competingLoadLimit: Double { loadLimitPercent / 100 }
}

// MARK: - Value readers

/// Comma-separated names of `Choice` cases (`gemm,syevd`).
/// - Throws: `ValidationError` naming the unknown name and the choices.
public func commaSeparatedChoices<Choice: CaseIterable & RawRepresentable>(
    _ text: String, kind: String
) throws -> [Choice] where Choice.RawValue == String {
    try text.split(separator: ",", omittingEmptySubsequences: false).map { name in
        guard let choice = Choice(rawValue: String(name)) else {
            throw ValidationError(
                "Unknown \(kind) '\(name)'; choose from \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }
}

/// Comma-separated integers ≥ `least` (`32,128,1024`).
/// - Throws: `ValidationError` saying what `option` needs.
public func commaSeparatedIntegers(_ text: String, least: Int, option: String, what: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let numbers = parts.compactMap { Int($0) }.filter { $0 >= least }
    guard !numbers.isEmpty, numbers.count == parts.count else {
        throw ValidationError("\(option) needs \(what) separated by commas, got '\(text)'")
    }
    return numbers
}

/// An integer ≥ `least`.
/// - Throws: `ValidationError` saying what `option` needs.
public func integer(_ text: String, least: Int, option: String) throws -> Int {
    guard let number = Int(text), number >= least else {
        throw ValidationError("\(option) needs an integer ≥ \(least), got '\(text)'")
    }
    return number
}

/// A positive, finite number of seconds.
/// - Throws: `ValidationError` saying what `option` needs.
public func positiveSeconds(_ text: String, option: String) throws -> Double {
    guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
        throw ValidationError("\(option) needs a positive number of seconds, got '\(text)'")
    }
    return seconds
}

/// A percentage from 0 to 100.
/// - Throws: `ValidationError` saying what `option` needs.
public func percentage(_ text: String, option: String) throws -> Double {
    guard let percent = Double(text), percent >= 0, percent <= 100 else {
        throw ValidationError("\(option) needs a percentage from 0 to 100, got '\(text)'")
    }
    return percent
}
