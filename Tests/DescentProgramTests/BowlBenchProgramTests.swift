// End-to-end: the built `bowl-bench` binary, run as a user would.

import Foundation
import Testing

@Suite struct BowlBenchProgramTests {
    @Test func helpDescribesEveryOption() throws {
        let result = try ProgramRunner.run("bowl-bench", ["--help"])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty)
        for option in [
            "--dimensions", "--conditions", "--spectra", "--methods", "--tolerance", "--learning-rate", "--momentum", "--seed",
            "--csv", "--json", "--plot", "--theory-check", "--max-iterations", "--sgd-steps", "--batch-size",
        ] {
            #expect(result.standardOutput.contains(option), "help has no \(option)")
        }
    }

    /// A small sweep: the table on stdout, and a JSON file whose numbers make sense.
    @Test func smallSweepWritesJSONCSVAndFigures() throws {
        let folder = try ProgramRunner.temporaryDirectory()
        let result = try ProgramRunner.run(
            "bowl-bench",
            [
                "--dimensions", "20", "--conditions", "10,100", "--spectra", "log", "--methods", "gd-optimal,polyak,cg,adagrad", "--seed", "3",
                "--adaptive-steps", "500", "--json", "out.json", "--csv", "out.csv", "--plot", "figures", "--quiet",
            ], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Polyak heavy ball"))
        #expect(result.standardOutput.contains("predictions held"))
        let data = try Data(contentsOf: folder.appendingPathComponent("out.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 2 * 5)  // 3 methods + AdaGrad on two bases, for each κ
        for run in runs where (run["method"] as? String) == "gd-optimal" {
            let κ = run["conditionNumber"] as! Double
            // GD at η* = 2/(μ+L) on a bowl with L = 1, μ = 1/κ: ρ = (κ−1)/(κ+1) exactly.
            #expect(abs((run["predicted"] as! Double) - (κ - 1) / (κ + 1)) < 1e-12)
            #expect((run["iterations"] as! Int) <= (run["predictedIterations"] as! Int))
            #expect(run["held"] as? Bool == true)
        }
        let csv = try String(contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + runs.count)
        let figures = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("figures").path)
        #expect(
            Set(figures) == [
                "errors-d20-k10-log.svg", "errors-d20-k100-log.svg", "errors-d20-k10-log-adaptive-sgd.svg",
                "errors-d20-k100-log-adaptive-sgd.svg", "iterations-d20-log.svg",
            ])
        // No temporary files are left behind by the atomic writes.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp") }
        #expect(left.isEmpty)
    }

    /// The same seed gives byte-identical JSON apart from the timings.
    @Test func seedMakesRunsIdentical() throws {
        func runs(_ seed: String) throws -> [[String: Any]] {
            let folder = try ProgramRunner.temporaryDirectory()
            let result = try ProgramRunner.run(
                "bowl-bench", ["--dimensions", "15", "--conditions", "50", "--methods", "nesterov,sgd-constant", "--sgd-steps", "300", "--seed", seed, "--json", "r.json", "--quiet"],
                in: folder)
            #expect(result.status == 0, "\(result.standardError)")
            let data = try Data(contentsOf: folder.appendingPathComponent("r.json"))
            let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            return (json["runs"] as! [[String: Any]]).map { $0.filter { $0.key != "secondsPerIteration" } }
        }
        let first = try runs("7")
        let second = try runs("7")
        let other = try runs("8")
        #expect(NSArray(array: first).isEqual(to: second))
        #expect(!NSArray(array: first).isEqual(to: other))
    }

    /// Impossible values: one line on stderr, status 64, nothing written.
    @Test(arguments: [
        (["--learning-rate", "0"], "--learning-rate"),
        (["--learning-rate", "-1"], "--learning-rate"),
        (["--conditions", "0.5"], "κ"),
        (["--conditions", "1e13"], "1e12"),
        (["--dimensions", "1", "--conditions", "10"], "1-D"),
        (["--momentum", "1"], "--momentum"),
        (["--momentum", "1.5"], "--momentum"),
        (["--tolerance", "1"], "--tolerance"),
        (["--tolerance", "2"], "--tolerance"),
        (["--dimensions", "0"], "--dimensions"),
        (["--dimensions", "ten"], "--dimensions"),
        (["--spectra", "cubic"], "--spectra"),
        (["--methods", "lbfgs"], "--methods"),
        (["--level", "extreme", "--theory-check"], "--level"),
        (["--seed", "-3"], "seed"),
        (["--no-such-option"], "no-such-option"),
    ])
    func impossibleValuesAreRefusedOnOneLine(arguments: [String], mentions: String) throws {
        let folder = try ProgramRunner.temporaryDirectory()
        let result = try ProgramRunner.run("bowl-bench", arguments + ["--json", "out.json", "--quiet"], in: folder)
        #expect(result.status == 64, "\(arguments): status \(result.status)")
        #expect(result.errorLines.count == 1, "\(arguments): \(result.standardError)")
        #expect(result.errorLines.first?.hasPrefix("bowl-bench: error: ") == true)
        #expect(result.standardError.contains(mentions), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.json").path))
    }

    /// An output file that cannot be written is a runtime error: one line, status 1.
    @Test func unwritableOutputIsOneLine() throws {
        let result = try ProgramRunner.run(
            "bowl-bench", ["--dimensions", "5", "--conditions", "10", "--methods", "gd", "--json", "/no/such/folder/out.json", "--quiet"])
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains("/no/such/folder"))
    }

    /// `--theory-check --level quick` runs TheoryCheck and exits 0 when every claim holds.
    @Test func theoryCheckQuickLevelPasses() throws {
        let folder = try ProgramRunner.temporaryDirectory()
        let result = try ProgramRunner.run("bowl-bench", ["--theory-check", "--level", "quick", "--json", "claims.json", "--quiet"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("§1"))
        let data = try Data(contentsOf: folder.appendingPathComponent("claims.json"))
        let json = try JSONSerialization.jsonObject(with: data)
        #expect(json is [String: Any] || json is [Any])
    }
}
