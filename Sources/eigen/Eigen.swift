// eigen: eigen-analysis of matrices on disk, of data sets' least-squares
// Hessians, and of trained networks' Hessians — and what each spectrum means
// for gradient descent and momentum. All logic lives in DescentConvergence;
// this target parses arguments, formats and writes files.

import ArgumentParser
import CommandLineSupport

@main
struct Eigen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eigen",
        abstract: "Eigen-analysis of matrices, data sets and network Hessians, read as optimization theory.",
        discussion: """
            Results are printed as tables on standard output; --json FILE also writes them as JSON (--json - \
            prints only the JSON). Errors are one line on standard error: status 64 for a wrong command line, \
            1 for a problem found while running. Guide: docs/guides/eigen.md.
            """,
        subcommands: [SpectrumCommand.self, DataCommand.self, HessianCommand.self, BowlCommand.self]
    )

    static func main() { runAsProgram() }
}
