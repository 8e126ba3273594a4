// `eigen bowl`: writes the Hessian of a test bowl with a prescribed spectrum.
//
// Design note. The bowl is DescentConvergence's `QuadraticBowl(dimension:
// conditionNumber:shape:smallest:basis:)`: H = U·diag(λ)·Uᵀ with λ spread by a
// `SpectrumShape` from μ to μκ and U a seeded Haar-random rotation (or the
// identity). The matrix is written atomically with `Matrix.save(to:)`, in the
// format its extension names, and refused before it is built when it would
// not fit in the memory limit (H, U and their products: about 5·8d² bytes).

import ArgumentParser
import CommandLineSupport
import Descent

struct BowlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bowl",
        abstract: "Write the Hessian of a test bowl with a given dimension, condition number and spectrum shape.",
        discussion: """
            H = U·diag(λ₁…λ_d)·Uᵀ with λ₁ = μ (--smallest, 1 by default), λ_d = μ·κ, the eigenvalues in between \
            spread evenly in log (log), evenly (linear) or in tight clusters (clustered), and U a random rotation \
            drawn from --seed (or the identity with --axis-aligned). `eigen spectrum` on the file recovers κ and \
            the eigenvalues.
            """)

    /// The spectrum shapes offered on the command line.
    enum Shape: String, ExpressibleByArgument, CaseIterable {
        case log, linear, clustered
    }

    @Option(name: .long, help: ArgumentHelp("d, the number of parameters (≥ 1).", valueName: "D"))
    var dimension: Int

    @Option(name: .long, help: ArgumentHelp("κ = λmax/λmin (≥ 1).", valueName: "K"))
    var condition: Double

    @Option(name: .long, help: "How the eigenvalues spread between λmin and λmax: log, linear or clustered.")
    var spectrum: Shape = .log

    @Option(name: .long, help: ArgumentHelp("Clusters for --spectrum clustered (1…D).", valueName: "C"))
    var clusters = 3

    @Option(name: .long, help: ArgumentHelp("Relative half-width of each cluster, in [0, 1).", valueName: "W"))
    var clusterWidth = 0.05

    @Option(name: .long, help: ArgumentHelp("λmin = μ > 0.", valueName: "MU"))
    var smallest = 1.0

    @Option(name: .long, help: ArgumentHelp("Seed of the random rotation U.", valueName: "S"))
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Use U = I: a diagonal H.")
    var axisAligned = false

    @Option(name: .long, help: ArgumentHelp("Where to write H: .npy, .csv or .mtx.", valueName: "H.npy"))
    var out: String

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if dimension < 1 { throw ValidationError("--dimension must be at least 1, got \(dimension)") }
        if !(condition >= 1 && condition.isFinite) {
            throw ValidationError("--condition must be a finite number ≥ 1, got \(condition)")
        }
        if !(smallest > 0 && smallest.isFinite) {
            throw ValidationError("--smallest must be a finite number > 0, got \(smallest)")
        }
        if spectrum == .clustered {
            if clusters < 1 || clusters > dimension {
                throw ValidationError("--clusters must be between 1 and the dimension \(dimension), got \(clusters)")
            }
            if !(clusterWidth >= 0 && clusterWidth < 1) {
                throw ValidationError("--cluster-width must be in [0, 1), got \(clusterWidth)")
            }
        }
        let extensionName = out.split(separator: ".").last.map { $0.lowercased() } ?? ""
        if !["npy", "csv", "txt", "tsv", "mtx"].contains(extensionName) || !out.contains(".") {
            throw ValidationError("--out must end in .npy, .csv or .mtx, got '\(out)'")
        }
    }

    var shape: SpectrumShape {
        switch spectrum {
        case .log: .logUniform
        case .linear: .linear
        case .clustered: .clustered(count: clusters, relativeWidth: clusterWidth)
        }
    }

    func run() throws {
        let needed = 5 * 8 * Double(dimension) * Double(dimension)
        if needed > output.memoryLimitBytes {
            throw SpectrumInputError.tooLarge(
                path: out, rows: dimension, columns: dimension, neededBytes: needed, limitBytes: output.memoryLimitBytes)
        }
        var stages = Stages("eigen bowl", count: 2, enabled: !output.quiet && dimension >= 2000)
        stages.begin("building a \(dimension)×\(dimension) bowl")
        let bowl = try QuadraticBowl(
            dimension: dimension, conditionNumber: condition, shape: shape, smallest: smallest,
            basis: axisAligned ? .axisAligned : .random(seed: seed))
        stages.begin("writing \(out)")
        try bowl.hessian.save(to: out)
        let document = BowlDocument(
            file: out, dimension: dimension, conditionNumber: bowl.conditionNumber, spectrum: shape.description,
            basis: axisAligned ? "axis-aligned" : "random rotation, seed \(seed)", eigenvalues: bowl.eigenvalues)
        try output.writeJSON(document)
        stages.finish()
        if output.printsTable {
            var table = Table()
            table.add("dimension", "\(dimension)")
            table.add("λmin", bowl.smallestEigenvalue.shown)
            table.add("λmax", bowl.largestEigenvalue.shown)
            table.add("κ", bowl.conditionNumber.shown)
            table.add("spectrum", shape.description)
            table.add("basis", document.basis)
            print("wrote \(out): the Hessian of a test bowl\n" + table.render())
        }
    }
}

/// The `--json` document of `eigen bowl`.
struct BowlDocument: Encodable {
    var file: String
    var dimension: Int
    var conditionNumber: Double
    var spectrum: String
    var basis: String
    var eigenvalues: [Double]
}
