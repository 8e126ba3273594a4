// guide-figures: regenerates the figures of docs/guides.
//
//     swift run -c release guide-figures                # writes docs/guides/figures/*.svg
//     swift run -c release guide-figures --output DIR   # somewhere else
//
// Every number comes from the library (SigmoidNeuron, SignalPropagation,
// Sequential.layerOutputs, ActivationStatistics); this program only arranges
// them into charts and prints the values the guides quote.

import Descent
import Foundation

let usage = """
    usage: guide-figures [--output DIRECTORY]

    Regenerates the figures of docs/guides (slow learning, initialization) as SVG
    files in DIRECTORY (default: docs/guides/figures, from the repository root),
    and prints the numbers the guides quote.
    """

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
    for (name, figure) in SlowLearningFigures.make() + (try InitializationFigures.make()) {
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
