// Records: the run's results as JSON (`--json`), written by one writer, and the
// JSON that the Python scripts write for the comparisons, read by one reader.
//
// Design note. All three programs that write JSON wrote it the same way
// (pretty-printed, keys sorted, all-or-nothing), each with its own copy of the
// code and of the check that the directory is writable; this is that code once.
// The file goes through CommandLineSupport's `OutputFile` (a temporary file
// beside the target, flushed, renamed into place), and the directory is
// checked while the command line is parsed, so a bad path fails at once rather
// than after a run of several minutes.

import ArgumentParser
import CommandLineSupport
import Foundation

/// Input from outside (a data file, a framework's JSON) that a benchmark cannot use, or an output it cannot write.
public struct InputError: Error, CustomStringConvertible {
    /// What went wrong and what to do about it.
    public var message: String

    /// - Parameter message: what went wrong and what to do about it, one line.
    public init(_ message: String) { self.message = message }

    /// The message, as the program prints it after `program: error: `.
    public var description: String { message }
}

/// `--json <path>`: also write every result as JSON.
public struct JSONOutputOption: ParsableArguments {
    @Option(
        name: .customLong("json"),
        help: ArgumentHelp("Also write every result as JSON to <path> (atomically).", valueName: "path"))
    public var path: String?

    public init() {}

    /// Refuses a path whose directory does not exist or is not writable.
    public func validate() throws {
        guard let path else { return }
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard !url.lastPathComponent.isEmpty, !path.hasSuffix("/"),
            FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: directory)
        else {
            throw ValidationError("cannot write '\(path)': the directory '\(directory)' does not exist or is not writable")
        }
    }
}

/// Reads and writes the JSON records of the benchmark programs.
public enum RecordFile {
    /// Writes `results` to `path` as pretty-printed JSON with sorted keys and a
    /// final newline: to a temporary file beside it, then renamed into place.
    /// - Parameters:
    ///   - results: what the run measured.
    ///   - path: the file to create or replace.
    /// - Throws: `InputError` naming the file and the reason.
    public static func write<Results: Encodable>(_ results: Results, to path: String) throws(InputError) {
        do {
            try OutputFile.writeJSON(results, to: path)
        } catch {
            throw InputError("cannot write '\(path)': \(error)")
        }
    }

    /// Reads a JSON file that one of the comparison scripts wrote.
    /// - Parameters:
    ///   - type: the type the file decodes to.
    ///   - path: the file, as given on the command line.
    ///   - what: what the file holds ("JAX results"), for the message.
    ///   - producer: the command that writes it ("scripts/bench_hessian_jax.py --json").
    /// - Returns: the decoded results.
    /// - Throws: `InputError` naming the file, what was expected and why it failed.
    public static func read<Results: Decodable>(
        _ type: Results.Type, from path: String, what: String, producer: String
    ) throws(InputError) -> Results {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError("cannot read \(what) from '\(path)': no such file, or not readable (run \(producer) first)")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw InputError("cannot read \(what) from '\(path)' (expected the JSON of \(producer)): \(error)")
        }
    }
}

// MARK: - A comparison script's results

/// The JSON results of a comparison script (PyTorch, JAX), and how a program's
/// command line names them.
public protocol ComparisonResults: Decodable {
    /// The option's long name, without dashes ("frameworks", "pytorch").
    static var optionName: String { get }
    /// The option's help ("JSON from scripts/…: adds …").
    static var optionHelp: String { get }
    /// What the file holds, for error messages ("JAX results").
    static var description: String { get }
    /// The command that writes the file ("scripts/bench_hessian_jax.py --json").
    static var producer: String { get }
}

/// `--<name> <path>`: the results of a comparison script to set beside ours.
public struct ComparisonInput<Results: ComparisonResults>: ParsableArguments {
    @Option(name: .customLong(Results.optionName), help: ArgumentHelp(Results.optionHelp, valueName: "path"))
    public var path: String?

    public init() {}

    /// The results, or `nil` when the option was not given.
    /// - Throws: `InputError` naming the file when it cannot be read or decoded.
    public func read() throws(InputError) -> Results? {
        guard let path else { return nil }
        return try RecordFile.read(Results.self, from: path, what: Results.description, producer: Results.producer)
    }
}
