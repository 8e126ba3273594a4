// `eigen bowl` and `eigen data` end to end. A bowl written by `eigen bowl`
// and read back by `eigen spectrum` must give back its prescribed spectrum
// (closed forms λᵢ = μ + (L − μ)i/(d − 1) and μκ^{i/(d−1)}, to 1e-12 relative:
// H = U·diag(λ)·Uᵀ is formed and decomposed in floating point, errors a few
// d·ε·L). `eigen data` is compared with NumPy's eigvalsh of XᵀX/N raw,
// centred and standardized (scripts/make_eigen_fixtures.py), to 1e-8 in κ:
// the raw κ is 1.3e8, so λmin carries about κ·ε ≈ 3e-8 relative error in
// both programs.

import Foundation
import Testing

@Suite struct EigenBowlProgramTests {
    @Test func helpOfBowlAndData() throws {
        let bowl = try ProgramRunner.run("eigen", ["bowl", "--help"])
        #expect(bowl.status == 0 && bowl.standardError.isEmpty)
        for option in [
            "--dimension <D>", "--condition <K>", "--spectrum <spectrum>", "log, linear", "--seed <S>",
            "--axis-aligned", "--out <H.npy>", "--json <FILE>",
        ] {
            #expect(bowl.standardOutput.contains(option), "bowl help lacks \(option)")
        }
        let data = try ProgramRunner.run("eigen", ["help", "data"])
        #expect(data.status == 0 && data.standardError.isEmpty)
        for option in ["--target <COLUMN>", "counting from 1", "--intercept", "LeCun", "digits, wine"] {
            #expect(data.standardOutput.contains(option), "data help lacks \(option)")
        }
    }

    @Test(arguments: ["linear", "log"])
    func bowlRoundTripsThroughSpectrum(shape: String) throws {
        let directory = try ProgramRunner.temporaryDirectory()
        let (d, κ) = (40, 1000.0)
        let made = try ProgramRunner.run(
            "eigen",
            [
                "bowl", "--dimension", "\(d)", "--condition", "1000", "--spectrum", shape, "--seed", "7", "--out", "H.npy",
                "--json", "bowl.json",
            ], in: directory)
        try #require(made.status == 0, "\(made.standardError)")
        #expect(made.standardOutput.contains("wrote H.npy"))
        let path = directory.appendingPathComponent("H.npy").path
        let json = try eigenJSON(["spectrum", path])
        let report = try #require(json["report"] as? [String: Any])
        #expect(isClose(number(report["conditionNumber"]), κ, relative: 1e-12))
        #expect(report["definiteness"] as? String == "positive definite")
        let values = try #require(report["eigenvalues"] as? [Double])
        try #require(values.count == d)
        for (i, value) in values.enumerated() {
            let t = Double(i) / Double(d - 1)
            let expected = shape == "linear" ? 1 + (κ - 1) * t : pow(κ, t)
            #expect(isClose(value, expected, relative: 1e-12), "λ\(i + 1) = \(value), expected \(expected)")
        }
        let written =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("bowl.json"))) as? [String: Any]
        #expect((written?["eigenvalues"] as? [Double])?.count == d)
        #expect(written?["basis"] as? String == "random rotation, seed 7")
    }

    /// Progress appears on standard error from order 2000 on, one line per stage when it is not a terminal;
    /// `--quiet` silences it, and standard output keeps only the results.
    @Test func largeInputsShowProgress() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        let made = try ProgramRunner.run(
            "eigen", ["bowl", "--dimension", "2000", "--condition", "10", "--axis-aligned", "--out", "H.npy"],
            in: directory)
        try #require(made.status == 0, "\(made.standardError)")
        #expect(made.standardError.contains("building a 2000×2000 bowl"))
        let path = directory.appendingPathComponent("H.npy").path
        let shown = try ProgramRunner.run("eigen", ["spectrum", path, "--top", "1"])
        #expect(shown.status == 0)
        #expect(shown.errorLines.contains { $0.hasPrefix("eigen spectrum 0/3") && $0.contains("reading") })
        #expect(shown.errorLines.contains { $0.contains("dsyevr on 2000×2000") })
        #expect(!shown.standardOutput.contains("eigen spectrum 0/3") && shown.standardOutput.contains("λ2000 = 10"))
        let quiet = try ProgramRunner.run("eigen", ["spectrum", path, "--top", "1", "--quiet"])
        #expect(quiet.status == 0 && quiet.standardError.isEmpty)
    }

    @Test func seedsGiveTheSameOrDifferentMatrices() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        for (name, seed) in [("a.npy", "1"), ("b.npy", "1"), ("c.npy", "2")] {
            let result = try ProgramRunner.run(
                "eigen", ["bowl", "--dimension", "5", "--condition", "10", "--seed", seed, "--out", name], in: directory)
            try #require(result.status == 0, "\(result.standardError)")
        }
        let contents = ["a.npy", "b.npy", "c.npy"].map {
            FileManager.default.contents(atPath: directory.appendingPathComponent($0).path)
        }
        #expect(contents[0] == contents[1] && contents[0] != contents[2])
    }

    @Test func clusteredSpectrumHasThatManyClusters() throws {
        let directory = try ProgramRunner.temporaryDirectory()
        let result = try ProgramRunner.run(
            "eigen",
            [
                "bowl", "--dimension", "30", "--condition", "100", "--spectrum", "clustered", "--clusters", "3",
                "--cluster-width", "0.01", "--axis-aligned", "--out", "H.mtx",
            ], in: directory)
        try #require(result.status == 0, "\(result.standardError)")
        let json = try eigenJSON(["spectrum", directory.appendingPathComponent("H.mtx").path])
        let values = try #require((json["report"] as? [String: Any])?["eigenvalues"] as? [Double])
        // Centres 1, 10, 100 (evenly in log), each ±1 %.
        for value in values { #expect([1.0, 10, 100].contains { abs(value / $0 - 1) <= 0.01 + 1e-12 }, "\(value)") }
    }

    @Test func badBowlOptions() throws {
        try expectOneLineError(
            ["bowl", "--dimension", "0", "--condition", "10", "--out", "H.npy"], status: 64,
            containing: ["--dimension must be at least 1"])
        try expectOneLineError(
            ["bowl", "--dimension", "3", "--condition", "0.5", "--out", "H.npy"], status: 64,
            containing: ["--condition must be a finite number ≥ 1"])
        try expectOneLineError(
            ["bowl", "--dimension", "3", "--condition", "10", "--out", "H.xyz"], status: 64, containing: ["--out must end in"])
        try expectOneLineError(
            ["bowl", "--dimension", "3", "--condition", "10", "--spectrum", "clustered", "--clusters", "4", "--out", "H.npy"],
            status: 64, containing: ["--clusters must be between 1 and the dimension 3"])
        try expectOneLineError(
            ["bowl", "--dimension", "100000", "--condition", "10", "--out", "H.npy"],
            containing: ["100000×100000", "more than the memory limit"])
    }
}

@Suite struct EigenDataProgramTests {
    @Test func conditionNumbersMatchNumPy() throws {
        let expected = try #require(eigenExpected["data"] as? [String: [String: Any]])
        let json = try eigenJSON(["data", ProgramRunner.fixture("data.csv")])
        #expect(json["examples"] as? Int == 12 && json["featureCount"] as? Int == 3)
        #expect(json["targetName"] as? String == "price")
        let reports = try #require(json["reports"] as? [[String: Any]])
        try #require(reports.count == 3)
        for report in reports {
            let name = try #require(report["preprocessing"] as? String)
            let reference = try #require(expected[name])
            for key in ["conditionNumber", "largestEigenvalue", "smallestEigenvalue"] {
                #expect(isClose(number(report[key]), number(reference[key]), relative: 1e-8), "\(name) \(key)")
            }
            let steps = try #require(report["predictedIterations"] as? Int)
            let want = try #require(reference["predictedIterations"] as? Int)
            #expect(abs(Double(steps - want)) <= 1e-7 * Double(want) + 1, "\(name): \(steps) vs \(want)")
        }
    }

    @Test func targetByNameOrPositionAndTheTable() throws {
        let path = ProgramRunner.fixture("data.csv")
        let byName = try eigenJSON(["data", path, "--target", "weight"])
        #expect(byName["targetName"] as? String == "weight")
        #expect(byName["featureNames"] as? [String] == ["width", "height", "price"])
        let byPosition = try eigenJSON(["data", path, "--target", "3"])
        #expect(byPosition["targetName"] as? String == "weight")
        let table = try ProgramRunner.run("eigen", ["data", path])
        #expect(table.status == 0)
        for text in ["12 examples, 3 features, target 'price'", "raw", "centered", "standardized", "2.88351", "20"] {
            #expect(table.standardOutput.contains(text), "missing '\(text)' in\n\(table.standardOutput)")
        }
    }

    @Test func bundledDataSetByName() throws {
        let json = try eigenJSON(["data", "wine", "--intercept"])
        let reports = try #require(json["reports"] as? [[String: Any]])
        // docs README of the bundled data: κ 4.6e8 raw with a bias column, 45.5 standardized.
        #expect(isClose(number(reports[0]["conditionNumber"]), 4.6e8, relative: 0.01))
        #expect(isClose(number(reports[2]["conditionNumber"]), 45.5, relative: 0.001))
    }

    @Test func dataInputErrors() throws {
        try expectOneLineError(["data", "/nonexistent/x.csv"], containing: ["/nonexistent/x.csv"])
        try expectOneLineError(
            ["data", ProgramRunner.fixture("data-nan.csv")], containing: ["row 5, column 2 ('height')", "nan"])
        try expectOneLineError(
            ["data", ProgramRunner.fixture("data.csv"), "--target", "nope"], containing: ["no column named 'nope'"])
        try expectOneLineError(
            ["data", ProgramRunner.fixture("data.csv"), "--target", "0"], status: 64, containing: ["counts from 1"])
        try expectOneLineError(
            ["data", ProgramRunner.fixture("data.csv"), "--target", "9"],
            containing: ["--target 9", "has 4 columns", "between 1 and 4"])
    }
}
