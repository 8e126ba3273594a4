// Placeholder: replaced by the real `eigen data` (work in progress, not on a released main).

import ArgumentParser

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "(being built)")

    func run() throws { throw ValidationError("eigen data is being built") }
}
