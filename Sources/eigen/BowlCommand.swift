// Placeholder: replaced by the real `eigen bowl` (work in progress, not on a released main).

import ArgumentParser

struct BowlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bowl", abstract: "(being built)")

    func run() throws { throw ValidationError("eigen bowl is being built") }
}
