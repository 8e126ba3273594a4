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
        subcommands: [SpectrumCommand.self, DataCommand.self, HessianCommand.self, BowlCommand.self]
    )

    static func main() { runAsProgram() }
}
