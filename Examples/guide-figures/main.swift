// guide-figures: regenerates the figures of docs/guides.
//
//     swift run -c release guide-figures                # writes docs/guides/figures/*.svg
//     swift run -c release guide-figures --output DIR   # somewhere else
//     swift run -c release guide-figures --only optimizers   # one guide's figures
//
// Every number comes from the library (SigmoidNeuron, SignalPropagation,
// Sequential.layerOutputs, ActivationStatistics, Trainer, the optimizers,
// LearningRateRangeTest and the schedules); this program only arranges them
// into charts and prints the values the guides quote.

import Descent
import Foundation

let usage = """
    usage: guide-figures [--output DIRECTORY] [--only GUIDE]

    Regenerates the figures of docs/guides (slow learning, initialization, optimizers,
    quadratic bowls, edge of stability, batch-norm smoothness, Hessian spectra) as SVG
    files in DIRECTORY (default: docs/guides/figures, from the repository root), and
    prints the numbers the guides quote. --only slow-learning, initialization, optimizers,
    bowls, edge-of-stability, batch-norm-smoothness or hessian-spectra makes one guide's
    figures (it may be repeated); all by default.
    """

/// Each guide's figures, by the name `--only` takes.
let guides: [(name: String, make: () throws -> [(String, any Figure)])] = [
    ("slow-learning", { SlowLearningFigures.make() }),
    ("initialization", { try InitializationFigures.make() }),
    ("optimizers", { try OptimizerFigures.make() }),
    ("bowls", { try BowlFigures.make() }),
    ("edge-of-stability", { try ConvergenceExperimentFigures.edgeOfStability() }),
    ("batch-norm-smoothness", { try ConvergenceExperimentFigures.batchNormSmoothness() }),
    ("hessian-spectra", { try HessianFigures.make() }),
]
var selected: Set<String> = []

var outputDirectory = "docs/guides/figures"
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--output", "-o":
        guard let directory = arguments.popFirst(), !directory.isEmpty else {
            FileHandle.standardError.write(Data("guide-figures: --output needs a directory\n".utf8))
            exit(2)
        }
        outputDirectory = directory
    case "--only":
        guard let name = arguments.popFirst(), guides.contains(where: { $0.name == name }) else {
            let names = guides.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("guide-figures: --only needs one of \(names)\n".utf8))
            exit(2)
        }
        selected.insert(name)
    case "--help", "-h":
        print(usage)
        exit(0)
    default:
        FileHandle.standardError.write(Data("guide-figures: unknown argument '\(argument)'; see --help\n".utf8))
        exit(2)
    }
}

do {
    try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
    let started = Date()
    var written: [String] = []
    var figures: [(String, any Figure)] = []
    for guide in guides where selected.isEmpty || selected.contains(guide.name) { figures += try guide.make() }
    for (name, figure) in figures {
        let path = (outputDirectory as NSString).appendingPathComponent(name)
        try figure.write(to: path)
        written.append(path)
    }
    print("\nWrote \(written.count) figures in \(String(format: "%.1f", Date().timeIntervalSince(started))) s:")
    for path in written { print("  \(path)") }
} catch {
    FileHandle.standardError.write(Data("guide-figures: \(error)\n".utf8))
    exit(1)
}
