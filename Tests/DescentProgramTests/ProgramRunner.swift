// ProgramRunner: runs a built program of this package (eigen, bowl-bench) the
// way a user would, and captures what it printed and how it exited.

import Foundation

/// What a finished program run left behind.
struct ProgramResult {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The non-empty lines written to standard error.
    var errorLines: [String] { standardError.split(whereSeparator: \.isNewline).map(String.init) }
}

/// Runs the executables that `swift build` put beside this test bundle.
enum ProgramRunner {
    /// The folder holding the built products (the test bundle's own folder).
    static var productsDirectory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // On Linux the test runner is `<products>/DescentPackageTests.xctest`; on
        // Darwin it sits inside the bundle, three levels deeper.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("eigen").path),
            directory.pathComponents.count > 1
        {
            directory.deleteLastPathComponent()
        }
        return directory
    }

    /// Runs `program` with `arguments`, in `directory` (default: a fresh temporary folder),
    /// waiting at most `timeout` seconds.
    static func run(
        _ program: String, _ arguments: [String], in directory: URL? = nil, timeout: Double = 600
    ) throws -> ProgramResult {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent(program)
        process.arguments = arguments
        process.currentDirectoryURL = try directory ?? temporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = environment["OPENBLAS_NUM_THREADS"] ?? "1"
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes while the program runs, so a chatty program cannot block on a full pipe.
        nonisolated(unsafe) var outputData = Data()
        nonisolated(unsafe) var errorData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outputData = output.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errorData = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw ProgramTimeout(program: program, arguments: arguments, seconds: timeout)
        }
        process.waitUntilExit()
        return ProgramResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// A new empty folder under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("descent-program-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The path of a bundled fixture file.
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!.path
    }
}

struct ProgramTimeout: Error, CustomStringConvertible {
    var program: String
    var arguments: [String]
    var seconds: Double
    var description: String { "\(program) \(arguments.joined(separator: " ")) ran past \(seconds) s" }
}
