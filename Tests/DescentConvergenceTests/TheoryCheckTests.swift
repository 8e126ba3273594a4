// The TheoryCheck suite at its quick level: every claim holds, the report
// renders as a table and round-trips through JSON; and a broken prediction is
// caught (the suite can fail).

import DescentConvergence
import Foundation
import Testing

@Suite struct TheoryCheckTests {
    @Test func quickLevelHolds() throws {
        var calls = 0
        let report = try TheoryCheck(level: .quick, seed: 1).run { _, _, _ in calls += 1 }
        for failure in report.failures {
            Issue.record("\(failure.section) — \(failure.claim) — \(failure.setting): predicted \(failure.predicted), measured \(failure.measured), \(failure.criterion)")
        }
        #expect(report.results.count >= 40)
        #expect(calls >= 8)
        let sections = Set(report.results.map { $0.section.split(separator: " ").first.map(String.init) ?? "" })
        #expect(sections.isSuperset(of: ["§1", "§2", "§3", "§4", "§5", "§6", "§8"]))
        let table = report.table()
        #expect(table.contains("of \(report.results.count) claims hold"))
        #expect(table.split(separator: "\n").count == report.results.count + 2)
        let decoded = try JSONDecoder().decode(TheoryReport.self, from: try report.jsonData())
        #expect(decoded.results == report.results)
    }

    /// A wrong prediction fails: the per-direction comparison of GD with a mis-stated learning rate.
    @Test func aWrongPredictionIsCaught() throws {
        let bowl = try QuadraticBowl(dimension: 20, conditionNumber: 10, basis: .random(seed: 3))
        let right = try bowl.compare(.gradientDescent(learningRate: 0.1), steps: 50, checkpoints: [25])
        #expect(right.worstDirectionError < 1e-10)
        // Predict with η·(1 + 1e-6) and compare with the run at η: the check must see it.
        var sgd = try SGD<Double>(learningRate: 0.1)
        let start = try bowl.startingPoint(.equalCoordinates)
        let run = try bowl.iterate(with: &sgd, from: start, until: .steps(25), recordingCoordinatesAt: [25])
        let α0 = bowl.eigenCoordinates(of: start)
        let wrong = FirstOrderMethod.gradientDescent(learningRate: 0.1 * (1 + 1e-6))
        let worst = bowl.eigenvalues.indices.map { i in
            let predicted = wrong.predictedCoordinate(eigenvalue: bowl.eigenvalues[i], initial: α0[i], steps: 25)
            return abs(run.coordinates[25]![i] - predicted) / abs(predicted)
        }.max()!
        #expect(worst > 1e-6)
    }
}
