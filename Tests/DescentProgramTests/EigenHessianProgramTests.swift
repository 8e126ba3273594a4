// End-to-end tests of `eigen hessian`: the built program on committed
// checkpoints and data, compared with JAX's Hessian of the same loss
// (Fixtures/hessian/reference.json, made by scripts/make_hessian_fixtures.py),
// and every input error reported as one line on standard error.

import Foundation
import Testing

/// reference.json: JAX's loss, gradient norm, eigenvalues and trace for both checkpoints.
struct HessianReference: Decodable {
    struct Model: Decodable {
        var loss: Double
        var gradient_norm: Double
        var parameter_count: Int
        var eigenvalues: [Double]
        var trace: Double
    }
    var described: Model
    var plain: Model

    static func load() throws -> HessianReference {
        try JSONDecoder().decode(
            HessianReference.self, from: Data(contentsOf: URL(fileURLWithPath: ProgramRunner.fixture("hessian/reference.json"))))
    }
}

/// The parts of `eigen hessian --json` the tests read.
struct HessianJSON: Decodable {
    struct Eigenvalue: Decodable {
        var value: Double
        var residualBound: Double?
    }
    struct Trace: Decodable {
        var value: Double
        var lower: Double
        var upper: Double
        var source: String
    }
    struct Block: Decodable {
        var name: String
        var parameterCount: Int
        var top: Eigenvalue
        var trace: Double
    }
    struct Sharpness: Decodable {
        var threshold: Double
        var ratio: Double
    }
    struct Report: Decodable {
        var method: String
        var parameterCount: Int
        var sampleCount: Int
        var loss: String
        var lossValue: Double
        var gradientNorm: Double
        var top: [Eigenvalue]
        var bottom: [Eigenvalue]
        var negativeCount: Int?
        var curvature: String
        var trace: Trace?
        var layers: [Block]?
        var sharpness: Sharpness?
        var lanczosConverged: Bool?
        var hessianVectorProducts: Int
    }
    var descriptionSource: String
    var lossSource: String
    var report: Report
}

@Suite("eigen hessian (built program)")
struct EigenHessianProgramTests {
    static let model = ProgramRunner.fixture("hessian/wine-mlp.safetensors")
    static let plain = ProgramRunner.fixture("hessian/wine-mlp-plain.safetensors")
    static let data = ProgramRunner.fixture("hessian/wine-60.csv")

    /// Runs `eigen hessian` with `arguments` plus `--json out.json` in a fresh folder; returns the parsed JSON.
    static func run(_ arguments: [String]) throws -> (result: ProgramResult, json: HessianJSON, folder: URL) {
        let folder = try ProgramRunner.temporaryDirectory()
        let result = try ProgramRunner.run("eigen", ["hessian"] + arguments + ["--json", "out.json"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let data = try Data(contentsOf: folder.appendingPathComponent("out.json"))
        return (result, try JSONDecoder().decode(HessianJSON.self, from: data), folder)
    }

    /// |a − b| ≤ tolerance·scale.
    static func close(_ a: Double, _ b: Double, relative tolerance: Double, scale: Double) -> Bool {
        abs(a - b) <= tolerance * scale
    }

    // MARK: - Numbers against JAX

    @Test("Exact: every eigenvalue, the loss, ‖∇L‖ and the trace agree with jax.hessian + eigvalsh")
    func exactAgainstJAX() throws {
        let reference = try HessianReference.load().described
        let (result, output, _) = try Self.run([
            "--model", Self.model, "--data", Self.data, "--method", "exact", "--top", "88", "--bottom", "0",
        ])
        let report = output.report
        #expect(output.descriptionSource == "file" && output.lossSource == "checkpoint" && report.loss == "cross-entropy")
        #expect(report.method == "exact" && report.parameterCount == 88 && report.sampleCount == 60)
        // Both are float64 computations of the same function, summed in different orders:
        // 1e-12 relative on the loss, 1e-9 of the largest |λ| on eigenvalues and trace.
        #expect(Self.close(report.lossValue, reference.loss, relative: 1e-12, scale: reference.loss))
        #expect(Self.close(report.gradientNorm, reference.gradient_norm, relative: 1e-9, scale: reference.gradient_norm))
        let scale = reference.eigenvalues.map(abs).max()!
        let computed = report.top.map(\.value).reversed() as [Double]
        #expect(computed.count == reference.eigenvalues.count)
        for (mine, theirs) in zip(computed, reference.eigenvalues) {
            #expect(Self.close(mine, theirs, relative: 1e-9, scale: scale), "\(mine) vs JAX \(theirs)")
        }
        let trace = try #require(report.trace)
        #expect(trace.source == "exact" && Self.close(trace.value, reference.trace, relative: 1e-9, scale: scale))
        // After 40 steps of gradient descent the network is not at a minimum: a saddle, said so.
        let negatives = reference.eigenvalues.filter { $0 < -1e-9 * scale }.count
        #expect(negatives > 0 && report.negativeCount == negatives)
        #expect(report.curvature.hasPrefix("indefinite: \(negatives) negative"))
        #expect(result.standardOutput.contains("indefinite: \(negatives) negative eigenvalues"))
        #expect(result.standardOutput.contains("parameters P          88"))
        #expect(result.standardError.isEmpty, "\(result.standardError)")
    }

    @Test("Lanczos: the top and bottom eigenvalues lie within their residual bounds of JAX's")
    func lanczosWithinResidualBounds() throws {
        let reference = try HessianReference.load().described
        let (_, output, _) = try Self.run([
            "--model", Self.model, "--data", Self.data, "--method", "lanczos", "--top", "3", "--bottom", "2",
        ])
        let report = output.report
        #expect(report.method == "lanczos" && report.lanczosConverged == true && report.hessianVectorProducts > 0)
        let scale = reference.eigenvalues.map(abs).max()!
        let largest = Array(reference.eigenvalues.reversed().prefix(3)), smallest = Array(reference.eigenvalues.prefix(2))
        #expect(report.top.count == 3 && report.bottom.count == 2)
        for (pair, exact) in zip(report.top + report.bottom, largest + smallest) {
            let bound = try #require(pair.residualBound)
            // |θ − λ| ≤ ‖Hy − θy‖ (Kahan), plus rounding.
            #expect(abs(pair.value - exact) <= bound + 1e-10 * scale, "\(pair.value) vs \(exact), bound \(bound)")
        }
        // The trace is Hutchinson's: its 95% interval should hold the exact trace (fixed seed: deterministic).
        let trace = try #require(report.trace)
        #expect(trace.source == "hutchinson" && trace.lower <= reference.trace && reference.trace <= trace.upper)
        #expect(report.curvature.hasPrefix("indefinite"))
    }

    @Test("A PyTorch-style file without description: Dense layers from the tensors, or --architecture, both match JAX")
    func plainCheckpoint() throws {
        let reference = try HessianReference.load().plain
        let scale = reference.eigenvalues.map(abs).max()!
        for extra in [["--activation", "tanh"], ["--architecture", "13-5-3", "--activation", "tanh"]] {
            let (_, output, _) = try Self.run(
                ["--model", Self.plain, "--data", Self.data, "--method", "exact", "--top", "5", "--bottom", "5"] + extra)
            #expect(output.descriptionSource == (extra.count == 2 ? "inferred" : "given"))
            #expect(output.lossSource == "default" && output.report.loss == "cross-entropy")
            let top = output.report.top.map(\.value), bottom = output.report.bottom.map(\.value)
            for (mine, theirs) in zip(top + bottom, reference.eigenvalues.reversed().prefix(5) + reference.eigenvalues.prefix(5))
            {
                #expect(Self.close(mine, theirs, relative: 1e-9, scale: scale), "\(mine) vs JAX \(theirs)")
            }
        }
    }

    @Test("--layers: the diagonal blocks' exact traces add up to JAX's trace; --learning-rate compares λmax with 2/η")
    func layersAndSharpness() throws {
        let reference = try HessianReference.load().described
        let (result, output, _) = try Self.run(
            ["--model", Self.model, "--data", Self.data, "--method", "exact", "--layers", "--learning-rate", "0.5"])
        let blocks = try #require(output.report.layers)
        #expect(blocks.map(\.name) == ["1", "3"] && blocks.map(\.parameterCount) == [70, 18])
        let scale = reference.eigenvalues.map(abs).max()!
        #expect(Self.close(blocks.map(\.trace).reduce(0, +), reference.trace, relative: 1e-9, scale: scale))
        // A diagonal block's top eigenvalue is at most the whole Hessian's (Cauchy interlacing).
        for block in blocks { #expect(block.top.value <= reference.eigenvalues.last! + 1e-9 * scale) }
        let sharpness = try #require(output.report.sharpness)
        #expect(sharpness.threshold == 4)
        #expect(Self.close(sharpness.ratio, reference.eigenvalues.last! * 0.5 / 2, relative: 1e-9, scale: 1))
        #expect(result.standardOutput.contains("below 2/η"))
    }

    @Test("--density writes an SVG chart, for the exact method and for SLQ")
    func densityCharts() throws {
        for method in ["exact", "slq"] {
            let (result, output, folder) = try Self.run(
                ["--model", Self.model, "--data", Self.data, "--method", method, "--density", "density.svg"])
            let svg = try String(contentsOf: folder.appendingPathComponent("density.svg"), encoding: .utf8)
            #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.contains("Hessian spectral density (P = 88, N = 60)"))
            #expect(result.standardOutput.contains("written to density.svg"))
            #expect(output.report.method == method)
        }
    }

    @Test("--samples takes the first N or a seeded subset")
    func samples() throws {
        let first = try Self.run(["--model", Self.model, "--data", Self.data, "--method", "hutchinson", "--samples", "20"])
        let random = try Self.run(
            [
                "--model", Self.model, "--data", Self.data, "--method", "hutchinson", "--samples", "20", "--random-samples",
                "--seed", "3",
            ])
        #expect(first.json.report.sampleCount == 20 && random.json.report.sampleCount == 20)
        #expect(first.json.report.lossValue != random.json.report.lossValue)
        #expect(first.result.standardOutput.contains("(20 of 60 examples)"))
    }

    @Test("--target names the label column; --loss overrides the checkpoint's")
    func targetAndLoss() throws {
        let named = try Self.run(["--model", Self.model, "--data", Self.data, "--method", "hutchinson", "--target", "cultivar"])
        let byDefault = try Self.run(["--model", Self.model, "--data", Self.data, "--method", "hutchinson"])
        #expect(named.json.report.lossValue == byDefault.json.report.lossValue)
        try Self.expectFailure(
            ["--model", Self.model, "--data", Self.data, "--loss", "mse"],
            mentions: ["3 outputs", "1 target column", "--loss cross-entropy"])
        try Self.expectFailure(
            ["--model", Self.model, "--data", Self.data, "--target", "vintage"], mentions: ["vintage", "cultivar"])
    }

    // MARK: - Input errors

    /// Runs a failing `eigen hessian`: one line on standard error containing `fragment`, a non-zero
    /// status (`status` when given), and no JSON or SVG file left behind.
    static func expectFailure(_ arguments: [String], status: Int32 = 1, mentions fragments: [String]) throws {
        let folder = try ProgramRunner.temporaryDirectory()
        let result = try ProgramRunner.run(
            "eigen", ["hessian"] + arguments + ["--json", "out.json", "--density", "out.svg"], in: folder)
        #expect(result.status == status, "\(arguments): \(result.standardError)")
        #expect(result.errorLines.count == 1, "\(arguments): \(result.standardError)")
        let line = result.errorLines.first ?? ""
        #expect(line.hasPrefix("eigen: error: "), "\(line)")
        for fragment in fragments { #expect(line.contains(fragment), "\(line) should mention \(fragment)") }
        #expect(!line.contains("Fatal error") && !line.contains("Stack"))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left.isEmpty, "\(arguments) left \(left)")
    }

    /// A copy of the data file with `change` applied to its lines.
    static func changedData(_ change: (inout [String]) -> Void) throws -> String {
        var lines = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").map(String.init)
        change(&lines)
        let path = try ProgramRunner.temporaryDirectory().appendingPathComponent("data.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Missing and unreadable files: one line naming the file")
    func missingAndUnreadableFiles() throws {
        try Self.expectFailure(
            ["--model", "/nonexistent/model.safetensors", "--data", Self.data], mentions: ["/nonexistent/model.safetensors"])
        try Self.expectFailure(["--model", Self.model, "--data", "/nonexistent/data.csv"], mentions: ["/nonexistent/data.csv"])
        // A CSV file given as the checkpoint: not a safetensors file.
        try Self.expectFailure(["--model", Self.data, "--data", Self.data], mentions: [Self.data])
        try Self.expectFailure(
            ["--model", Self.plain, "--data", Self.data],
            mentions: ["no model description", "--activation NAME to infer", "--architecture"])
        try Self.expectFailure(["--model", Self.model, "--data", Self.model], mentions: ["wine-mlp.safetensors"])
    }

    @Test("NaN and ∞: in the data with their row and column, in the checkpoint with the tensor")
    func nonFiniteInputs() throws {
        let withNaN = try Self.changedData { lines in
            var cells = lines[3].split(separator: ",").map(String.init)
            cells[4] = "nan"
            lines[3] = cells.joined(separator: ",")
        }
        try Self.expectFailure(["--model", Self.model, "--data", withNaN], mentions: ["row 3", "magnesium"])
        let withInfinity = try Self.changedData { lines in
            var cells = lines[7].split(separator: ",").map(String.init)
            cells[0] = "-inf"
            lines[7] = cells.joined(separator: ",")
        }
        try Self.expectFailure(["--model", Self.model, "--data", withInfinity], mentions: ["row 7", "alcohol"])
        let nanModel = ProgramRunner.fixture("hessian/wine-mlp-nan.safetensors")
        try Self.expectFailure(["--model", nanModel, "--data", Self.data], mentions: ["3.weight", "NaN"])
    }

    @Test("A checkpoint that does not fit the data names both numbers")
    func checkpointDoesNotFitData() throws {
        let fewerColumns = try Self.changedData { lines in
            lines = lines.map { $0.split(separator: ",").dropFirst().joined(separator: ",") }
        }
        try Self.expectFailure(
            ["--model", Self.model, "--data", fewerColumns], mentions: ["13 input features", "12 feature columns"])
        let extraClass = try Self.changedData { lines in
            var cells = lines[5].split(separator: ",").map(String.init)
            cells[13] = "4"
            lines[5] = cells.joined(separator: ",")
        }
        try Self.expectFailure(["--model", Self.model, "--data", extraClass], mentions: ["3 outputs", "up to 4 (5 classes)"])
        try Self.expectFailure(
            ["--model", Self.plain, "--data", Self.data, "--architecture", "13-6-3", "--activation", "tanh"],
            mentions: ["do not match the model description", "0.weight"])
        try Self.expectFailure(["--model", Self.model, "--data", Self.data, "--samples", "61"], mentions: ["61", "60 examples"])
    }

    @Test("Exact (P² doubles) and Lanczos (m·P doubles) are refused before allocating beyond the memory limit")
    func exactTooLarge() throws {
        try Self.expectFailure(
            ["--model", Self.model, "--data", Self.data, "--method", "exact", "--memory-limit", "16K"],
            mentions: ["88 parameters", "61952 bytes", "--memory-limit (16384 bytes)", "nothing was allocated"])
        try Self.expectFailure(
            ["--model", Self.model, "--data", Self.data, "--method", "lanczos", "--memory-limit", "16K"],
            mentions: ["lanczos basis of 88 vectors of 88 parameters needs 61952 bytes", "--memory-limit (16384 bytes)"])
    }

    @Test("Command-line mistakes exit with status 64 and one line")
    func usageErrors() throws {
        try Self.expectFailure(["--model", Self.model, "--data", Self.data, "--top", "-1"], status: 64, mentions: ["--top"])
        try Self.expectFailure(
            ["--model", Self.model, "--data", Self.data, "--method", "power"], status: 64, mentions: ["power"])
        try Self.expectFailure(
            ["--model", Self.model, "--data", Self.data, "--loss", "hinge"], status: 64, mentions: ["hinge", "cross-entropy"])
        try Self.expectFailure(
            ["--model", Self.plain, "--data", Self.data, "--activation", "swish"], status: 64, mentions: ["swish"])
        try Self.expectFailure(
            ["--model", Self.model, "--data", Self.data, "--memory-limit", "lots"], status: 64, mentions: ["lots"])
        try Self.expectFailure(["--data", Self.data], status: 64, mentions: ["--model"])
    }
}
