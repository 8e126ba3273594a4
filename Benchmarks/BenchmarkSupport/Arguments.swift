// The command-line reading the three benchmark programs share: each keeps its
// own switch over flags, this reads the values (no dependency needed).

/// A command-line or input mistake (or a request for help, when `message` is nil).
public struct UsageError: Error {
    public var message: String?
    public init(_ message: String?) { self.message = message }
}

/// The arguments still to read, with typed readers for flag values whose
/// errors say what the flag needs.
public struct ArgumentList {
    private var remaining: ArraySlice<String>

    /// `arguments` without the program name.
    public init(_ arguments: [String]) { remaining = arguments[...] }

    /// The next argument, or `nil` at the end.
    public mutating func next() -> String? { remaining.popFirst() }

    /// The value that must follow `flag`.
    public mutating func value(after flag: String) throws(UsageError) -> String {
        guard let next = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
        return next
    }

    /// An integer ≥ `least` after `flag`.
    public mutating func integer(after flag: String, least: Int) throws(UsageError) -> Int {
        let text = try value(after: flag)
        guard let number = Int(text), number >= least else {
            throw UsageError("\(flag) needs an integer ≥ \(least), got '\(text)'")
        }
        return number
    }

    /// A positive number of seconds after `flag`.
    public mutating func seconds(after flag: String) throws(UsageError) -> Double {
        let text = try value(after: flag)
        guard let seconds = Double(text), seconds > 0 else {
            throw UsageError("\(flag) needs a positive number of seconds, got '\(text)'")
        }
        return seconds
    }

    /// A non-negative 64-bit seed after `flag`.
    public mutating func seed(after flag: String) throws(UsageError) -> UInt64 {
        let text = try value(after: flag)
        guard let seed = UInt64(text) else { throw UsageError("\(flag) needs a non-negative integer, got '\(text)'") }
        return seed
    }

    /// Comma-separated names of `Choice` cases after `flag` (`--only gemm,eigen`).
    public mutating func choices<Choice: CaseIterable & RawRepresentable>(
        after flag: String, kind: String
    ) throws(UsageError) -> [Choice] where Choice.RawValue == String {
        var chosen: [Choice] = []
        for name in try value(after: flag).split(separator: ",") {
            guard let choice = Choice(rawValue: String(name)) else {
                throw UsageError(
                    "Unknown \(kind) '\(name)'; choose from \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            chosen.append(choice)
        }
        return chosen
    }
}
