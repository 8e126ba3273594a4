// Placeholder: replaced by the real `eigen spectrum` (work in progress, not on a released main).

import ArgumentParser

struct SpectrumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spectrum", abstract: "(being built)")

    func run() throws { throw ValidationError("eigen spectrum is being built") }
}
