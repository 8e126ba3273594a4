// bowl-bench: placeholder until the sweep lands.

import ArgumentParser
import CommandLineSupport

@main
struct BowlBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bowl-bench", abstract: "(being built)")
    static func main() { runAsProgram() }
    func run() throws { throw ValidationError("bowl-bench is being built") }
}
