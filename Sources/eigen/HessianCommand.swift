// Placeholder: replaced by the real `eigen hessian` (work in progress, not on a released main).

import ArgumentParser

struct HessianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hessian", abstract: "(being built)")

    func run() throws { throw ValidationError("eigen hessian is being built") }
}
