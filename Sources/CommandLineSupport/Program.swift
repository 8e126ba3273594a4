// Program: how the command-line programs start, fail and exit.
//
// Design note. swift-argument-parser's own `main()` prints a validation error
// followed by the usage text, and lets any other error end the program with
// its `description`. Our contract is stricter: every failure is ONE line on
// standard error, `<program>: error: <message>`, and a non-zero status —
// 64 (EX_USAGE) for command-line mistakes, 1 for everything found at run time
// (files, data, LAPACK, a diverging run). Help and `--version` still print in
// full on standard output. `runAsProgram()` is that `main()`.

import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension ParsableCommand {
    /// Parses the command line, runs the chosen (sub)command, and exits.
    ///
    /// - Help (`--help`, `help SUBCOMMAND`) prints the full text on standard output, status 0.
    /// - A command-line mistake prints one line `NAME: error: …` on standard error, status 64.
    /// - An error thrown while running prints one line the same way, status 1; an `ExitCode`
    ///   thrown on purpose ends the program with its status and no message.
    /// - Parameter arguments: the arguments without the program name (default: the process's).
    public static func runAsProgram(_ arguments: [String]? = nil) -> Never {
        let name = configuration.commandName ?? String(describing: Self.self).lowercased()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            terminate(0)
        } catch let code as ExitCode {
            terminate(code.rawValue)
        } catch {
            // Help arrives as an error too (from parsing or from the `help` subcommand).
            let status = exitCode(for: error)
            if status == .success {
                print(fullMessage(for: error))
                terminate(0)
            }
            reportError(program: name, message: message(for: error))
            terminate(status.rawValue)
        }
    }
}

/// Ends the process with `status` (the C library's `exit`, named apart from
/// `ParsableCommand.exit(withError:)`).
private func terminate(_ status: Int32) -> Never {
    exit(status)
}

/// Writes `program: error: message` to standard error as a single line
/// (line breaks inside the message become "; ").
/// - Parameters:
///   - program: the program's name, as the user typed it.
///   - message: what went wrong and, where possible, what to do about it.
public func reportError(program: String, message: String) {
    let oneLine = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        .joined(separator: "; ")
    let body = oneLine.hasPrefix("Error: ") ? String(oneLine.dropFirst(7)) : oneLine
    StandardError.write("\(program): error: \(body)\n")
}

/// Unbuffered writes to standard error.
public enum StandardError {
    /// Writes `text` as is (no newline is added).
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Whether standard error is a terminal (progress then redraws one line in place).
    public static var isTerminal: Bool { isatty(2) != 0 }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
