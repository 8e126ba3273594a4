// `eigen spectrum` end to end: the built binary on fixtures with known
// spectra (scripts/make_eigen_fixtures.py, numpy.linalg.eigvalsh), and every
// input problem as exactly one line on standard error, a non-zero status and
// no output file.
//
// Tolerances: eigenvalues agree with NumPy to 1e-12·max|λ| (both are
// backward-stable LAPACK drivers on the same bits; the error bound is a few
// n·ε·‖A‖); κ and the GD rates to 1e-10 relative; Polyak's and Nesterov's rates
// to 1e-7 (their radius comes from a double root, accurate to about √ε).

import DescentLinalg
import Foundation
import Testing

/// Runs `eigen` and decodes the JSON it printed with `--json -`.
func eigenJSON(_ arguments: [String]) throws -> [String: Any] {
    let result = try ProgramRunner.run("eigen", arguments + ["--json", "-"])
    try #require(result.status == 0, "eigen \(arguments): \(result.standardError)")
    let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(result.standardOutput)")
}

/// The NumPy reference values of scripts/make_eigen_fixtures.py.
var eigenExpected: [String: [String: Any]] {
    let data = FileManager.default.contents(atPath: ProgramRunner.fixture("eigen-expected.json")) ?? Data()
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: [String: Any]] ?? [:]
}

/// A JSON number, or ±∞ written as the strings "Infinity"/"-Infinity".
func number(_ value: Any?) -> Double? {
    if let string = value as? String { return Double(string.replacingOccurrences(of: "Infinity", with: "inf")) }
    return (value as? NSNumber)?.doubleValue
}

func isClose(_ a: Double?, _ b: Double?, relative: Double) -> Bool {
    guard let a, let b else { return false }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= relative * max(abs(a), abs(b))
}

/// Runs `eigen arguments` expecting failure: one stderr line `eigen: error: …` containing every `fragment`.
func expectOneLineError(
    _ arguments: [String], status expectedStatus: Int32 = 1, containing fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let directory = try ProgramRunner.temporaryDirectory()
    let result = try ProgramRunner.run("eigen", arguments + ["--json", "out.json"], in: directory)
    #expect(result.status == expectedStatus, "\(arguments): status \(result.status)", sourceLocation: sourceLocation)
    #expect(result.errorLines.count == 1, "\(arguments): \(result.standardError)", sourceLocation: sourceLocation)
    #expect(result.standardError.hasPrefix("eigen: error: "), "\(result.standardError)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(
            result.standardError.contains(fragment), "'\(fragment)' not in: \(result.standardError)",
            sourceLocation: sourceLocation)
    }
    #expect(result.standardOutput.isEmpty, "\(result.standardOutput)", sourceLocation: sourceLocation)
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(left.isEmpty, "files left behind: \(left)", sourceLocation: sourceLocation)
}

@Suite struct EigenSpectrumProgramTests {
    // MARK: - Help

    @Test func helpListsSubcommandsAndOptions() throws {
        let root = try ProgramRunner.run("eigen", ["--help"])
        #expect(root.status == 0)
        for name in ["spectrum", "data", "bowl", "hessian"] { #expect(root.standardOutput.contains(name)) }
        let help = try ProgramRunner.run("eigen", ["spectrum", "--help"])
        #expect(help.status == 0 && help.standardError.isEmpty)
        for option in [
            "--top <K>", "--bottom <K>", "--vectors <OUT.npy>", "--json <FILE>", "--memory-limit <GiB>",
            "--symmetry-tolerance <T>", "n·ε·max|λ|",
        ] {
            #expect(help.standardOutput.contains(option), "missing \(option)")
        }
    }

    // MARK: - Known spectra

    @Test(arguments: ["pd", "psd", "indefinite"], ["npy", "csv", "mtx"])
    func spectrumMatchesNumPy(name: String, format: String) throws {
        let expected = try #require(eigenExpected[name])
        let json = try eigenJSON(["spectrum", ProgramRunner.fixture("\(name).\(format)")])
        let report = try #require(json["report"] as? [String: Any])
        let values = try #require(report["eigenvalues"] as? [Double])
        let reference = try #require(expected["eigenvalues"] as? [Double])
        let scale = reference.map(abs).max()!
        #expect(values.count == reference.count)
        for (value, want) in zip(values, reference) { #expect(abs(value - want) <= 1e-12 * scale, "\(value) vs \(want)") }
        #expect(isClose(number(report["conditionNumber"]), number(expected["conditionNumber"]), relative: 1e-10))
        #expect(isClose(number(report["zeroTolerance"]), number(expected["zeroTolerance"]), relative: 1e-10))
        let inertia = try #require(report["inertia"] as? [String: Int])
        #expect(inertia == expected["inertia"] as? [String: Int])
        let definiteness = report["definiteness"] as? String
        let optimization = try #require(report["optimization"] as? [String: Any])
        switch name {
        case "pd":
            #expect(definiteness == "positive definite")
            #expect(optimization["verdict"] as? String == "converges linearly")
        case "psd":
            #expect(definiteness == "positive semidefinite")
            #expect(optimization["verdict"] as? String == "converges in the range of H")
        default:
            #expect(definiteness == "indefinite")
            #expect(optimization["verdict"] as? String == "no minimum")
            #expect((optimization["methods"] as? [Any])?.isEmpty == true)
            return
        }
        #expect(isClose(number(optimization["largestCurvature"]), number(expected["largestCurvature"]), relative: 1e-12))
        #expect(isClose(number(optimization["smallestCurvature"]), number(expected["smallestCurvature"]), relative: 1e-12))
        #expect(
            isClose(
                number(optimization["largestStableLearningRate"]), number(expected["largestStableLearningRate"]),
                relative: 1e-12))
        let methods = try #require(optimization["methods"] as? [[String: Any]])
        let rates = try #require(expected["rates"] as? [Double])
        let steps = try #require(expected["iterations"] as? [Int])
        let learningRates = try #require(expected["learningRates"] as? [Double])
        try #require(methods.count == 4)
        for index in 0..<4 {
            let tolerance = index < 2 ? 1e-10 : 1e-7
            #expect(isClose(number(methods[index]["rate"]), rates[index], relative: tolerance), "method \(index)")
            #expect(isClose(number(methods[index]["learningRate"]), learningRates[index], relative: 1e-12))
            #expect(methods[index]["iterations"] as? Int == steps[index], "method \(index)")
        }
    }

    @Test func tableNamesEverything() throws {
        let result = try ProgramRunner.run("eigen", ["spectrum", ProgramRunner.fixture("pd.npy")])
        #expect(result.status == 0 && result.standardError.isEmpty, "\(result.standardError)")
        for text in [
            "6×6 symmetric matrix", "λ1 = 0.5", "λ6 = 10", "condition number κ  20", "positive definite",
            "(6 positive, 0 zero, 0 negative)", "2/L = 0.2", "heavy ball (Polyak)", "steps to 1e-06",
        ] {
            #expect(result.standardOutput.contains(text), "missing '\(text)' in\n\(result.standardOutput)")
        }
        let singular = try ProgramRunner.run("eigen", ["spectrum", ProgramRunner.fixture("psd.csv")])
        #expect(singular.standardOutput.contains("condition number κ  ∞"))
        #expect(singular.standardOutput.contains("(3 positive, 2 zero, 0 negative)"))
    }

    @Test func topAloneLeavesSignsUnknown() throws {
        let reference = try #require(eigenExpected["pd"]?["eigenvalues"] as? [Double])
        let json = try eigenJSON(["spectrum", ProgramRunner.fixture("pd.npy"), "--top", "2"])
        let report = try #require(json["report"] as? [String: Any])
        let values = try #require(report["eigenvalues"] as? [Double])
        #expect(zip(values, reference.suffix(2)).allSatisfy { abs($0 - $1) < 1e-12 * 10 })
        #expect(report["definiteness"] as? String == "unknown")
        #expect(report["conditionNumber"] == nil)
        #expect((report["optimization"] as? [String: Any])?["verdict"] as? String == "unknown")
    }

    @Test func bothEndsGiveConditionNumberAndRates() throws {
        let expected = try #require(eigenExpected["pd"])
        let json = try eigenJSON(["spectrum", ProgramRunner.fixture("pd.mtx"), "--top", "1", "--bottom", "2"])
        let report = try #require(json["report"] as? [String: Any])
        #expect((report["eigenvalues"] as? [Double])?.count == 3)
        #expect(report["definiteness"] as? String == "positive definite")
        #expect(isClose(number(report["conditionNumber"]), number(expected["conditionNumber"]), relative: 1e-10))
        let methods = try #require((report["optimization"] as? [String: Any])?["methods"] as? [[String: Any]])
        #expect(methods.map { $0["iterations"] as? Int } == (expected["iterations"] as? [Int])!.map { $0 })
    }

    @Test func vectorsAreEigenvectors() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        let path = ProgramRunner.fixture("indefinite.npy")
        let result = try ProgramRunner.run(
            "eigen", ["spectrum", path, "--vectors", "v.npy", "--json", "out.json"], in: directory)
        try #require(result.status == 0, "\(result.standardError)")
        let vectors = try NumpyFile.read(from: directory.appendingPathComponent("v.npy").path, as: Double.self)
        let matrix = try NumpyFile.read(from: path, as: Double.self)
        let values = try #require(eigenExpected["indefinite"]?["eigenvalues"] as? [Double])
        #expect(vectors.rows == 4 && vectors.columns == 4)
        let product = gemm(matrix, vectors)
        for j in 0..<4 {
            for i in 0..<4 { #expect(abs(product[i, j] - values[j] * vectors[i, j]) < 1e-12) }
        }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.json").path))
    }

    // MARK: - Input problems

    @Test func missingFile() throws {
        try expectOneLineError(["spectrum", "/nonexistent/h.npy"], containing: ["/nonexistent/h.npy", "cannot open"])
    }

    @Test func unknownExtension() throws {
        try expectOneLineError(["spectrum", ProgramRunner.fixture("matrix.dat")], containing: ["unknown file type '.dat'"])
    }

    @Test func notSquare() throws {
        try expectOneLineError(["spectrum", ProgramRunner.fixture("nonsquare.npy")], containing: ["3×4", "square"])
    }

    @Test func notSymmetricReportsTheWorstPair() throws {
        try expectOneLineError(
            ["spectrum", ProgramRunner.fixture("nonsymmetric.npy")],
            containing: ["not symmetric", "a[1, 3] and a[3, 1]", "row 2, column 4 counting from 1", "differ by 0.5"])
    }

    @Test func nonFiniteEntryIsLocated() throws {
        try expectOneLineError(
            ["spectrum", ProgramRunner.fixture("nan.csv")],
            containing: ["a[2, 1] (counting from 0; row 3, column 2 counting from 1) is nan"])
    }

    @Test func truncatedFile() throws {
        try expectOneLineError(
            ["spectrum", ProgramRunner.fixture("truncated.npy")],
            containing: ["truncated", "announces 256 bytes but there are 168"])
    }

    @Test func tooLargeIsRefusedBeforeReading() throws {
        // A 200000×200000 float64 header, extended to its full 298 GiB as a sparse file: nothing is read or allocated.
        let directory = try ProgramRunner.temporaryDirectory()
        let huge = directory.appendingPathComponent("huge.npy").path
        try FileManager.default.copyItem(atPath: ProgramRunner.fixture("huge-header.npy"), toPath: huge)
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 128 + 8 * 200_000 * 200_000)
        try handle.close()
        try expectOneLineError(["spectrum", huge], containing: ["200000×200000", "more than the memory limit"])
        try expectOneLineError(
            ["spectrum", ProgramRunner.fixture("pd.npy"), "--memory-limit", "1e-7"],
            containing: ["6×6", "more than the memory limit of 1 KiB"])
    }

    @Test func badOptionValues() throws {
        let pd = ProgramRunner.fixture("pd.npy")
        try expectOneLineError(["spectrum", pd, "--top", "0"], status: 64, containing: ["--top must be at least 1"])
        try expectOneLineError(["spectrum", pd, "--bottom", "7"], containing: ["--bottom 7", "between 1 and 6"])
        try expectOneLineError(["spectrum", pd, "--memory-limit", "-1"], status: 64, containing: ["--memory-limit"])
        try expectOneLineError(["spectrum", pd, "--vectors", "v.txt"], status: 64, containing: ["--vectors"])
        try expectOneLineError(["spectrum"], status: 64, containing: ["FILE"])
    }
}
