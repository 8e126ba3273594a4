// ReduceOnPlateau against torch.optim.lr_scheduler.ReduceLROnPlateau on a
// fixed metric sequence (Fixtures/schedules_pytorch.json, from
// scripts/make_schedule_fixtures.py): min and max modes, relative and absolute
// thresholds, cooldown, a floor, a skipped change below eps, and a NaN metric.
// Both sides compute max(η·factor, floor) once per reduction, so the values
// must agree exactly (tolerance 0).

import Foundation
import Testing

@testable import DescentOptimizers

@Suite("Reduce on plateau")
struct ReduceOnPlateauTests {
    /// The configurations the fixture script gave PyTorch (learning rate 0.1).
    static func pytorchEquivalent(_ name: String) throws -> ReduceOnPlateau {
        switch name {
        case "min_relative":
            try ReduceOnPlateau(initialValue: 0.1, mode: .minimize, factor: 0.5, patience: 2, threshold: 1e-4)
        case "min_absolute_cooldown":
            try ReduceOnPlateau(
                initialValue: 0.1, mode: .minimize, factor: 0.1, patience: 1, threshold: 0.01, thresholdMode: .absolute,
                cooldown: 3, minimumValue: 1e-4)
        case "max_relative_floor":
            try ReduceOnPlateau(
                initialValue: 0.1, mode: .maximize, factor: 0.3, patience: 0, threshold: 0.001, cooldown: 1,
                minimumValue: 0.002)
        case "max_absolute_eps":
            try ReduceOnPlateau(
                initialValue: 0.1, mode: .maximize, factor: 0.5, patience: 3, threshold: 0, thresholdMode: .absolute,
                minimumChange: 0.02)
        default:
            throw ScheduleError.invalidParameter(schedule: name, name: "fixture case", value: .nan, requirement: "known")
        }
    }

    static let cases = ["min_relative", "min_absolute_cooldown", "max_relative_floor", "max_absolute_eps"]

    @Test("Values after each record equal PyTorch's ReduceLROnPlateau exactly", arguments: cases)
    func matchesPyTorch(_ name: String) throws {
        let run = try ScheduleFixture.load().plateau(name)
        var plateau = try Self.pytorchEquivalent(name)
        var previous = plateau.value
        var changes = 0
        for (index, metric) in run.metrics.enumerated() {
            let reduced = plateau.record(metric ?? .nan)
            #expect(plateau.value == run.values[index], "\(name): record \(index) (metric \(metric ?? .nan))")
            #expect(reduced == (run.values[index] != previous), "\(name): record \(index) reported reduced = \(reduced)")
            if reduced { changes += 1 }
            previous = run.values[index]
        }
        #expect(changes >= 2, "\(name): the sequence should reduce more than once")
        #expect(plateau.reductions == changes && plateau.recordCount == run.metrics.count)
        #expect(abs(plateau.multiplier - plateau.value / 0.1) <= 1e-16)
    }

    @Test("Every plateau case in the fixture is tested")
    func fixtureCoverage() throws {
        #expect(try ScheduleFixture.load().plateau.map(\.name).sorted() == Self.cases.sorted())
    }

    @Test("A state saved as JSON mid-run resumes exactly like an uninterrupted run")
    func codableRoundTrip() throws {
        let run = try ScheduleFixture.load().plateau("min_absolute_cooldown")
        let metrics = run.metrics.map { $0 ?? .nan }
        var uninterrupted = try Self.pytorchEquivalent("min_absolute_cooldown")
        for metric in metrics.prefix(21) { uninterrupted.record(metric) }
        let data = try JSONEncoder().encode(uninterrupted)
        var resumed = try JSONDecoder().decode(ReduceOnPlateau.self, from: data)
        #expect(resumed == uninterrupted)
        for metric in metrics.dropFirst(21) {
            #expect(resumed.record(metric) == uninterrupted.record(metric))
        }
        #expect(resumed == uninterrupted)
        #expect(resumed.value == run.values.last)
        // A fresh one (no best metric yet) round-trips too.
        let fresh = try ReduceOnPlateau()
        #expect(try JSONDecoder().decode(ReduceOnPlateau.self, from: JSONEncoder().encode(fresh)) == fresh)
    }

    @Test("Invalid configurations throw, and a corrupted saved state does not decode")
    func validation() throws {
        #expect(throws: ScheduleError.self) { try ReduceOnPlateau(factor: 1) }
        #expect(throws: ScheduleError.self) { try ReduceOnPlateau(patience: -1) }
        #expect(throws: ScheduleError.self) { try ReduceOnPlateau(threshold: .infinity) }
        #expect(throws: ScheduleError.self) { try ReduceOnPlateau(initialValue: -0.1) }
        let data = try JSONEncoder().encode(try ReduceOnPlateau(factor: 0.5))
        let text = try #require(String(data: data, encoding: .utf8))
        let corrupted = Data(text.replacingOccurrences(of: "\"factor\":0.5", with: "\"factor\":1.5").utf8)
        #expect(corrupted != data)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReduceOnPlateau.self, from: corrupted) }
    }

    @Test("Driving a Scheduled optimizer's factor shrinks its schedule")
    func drivesScheduledFactor() throws {
        var plateau = try ReduceOnPlateau(factor: 0.5, patience: 0)
        var optimizer = try Scheduled(
            SGD<Double>(learningRate: 0.1), schedules: [.learningRate: try ExponentialDecay(initialValue: 0.1, rate: 0.9)])
        var parameters = ScheduledTests.start
        for (step, loss) in [1.0, 0.9, 0.95, 0.97].enumerated() {
            if plateau.record(loss) { optimizer.factors[.learningRate] = plateau.value }
            try optimizer.update(&parameters, with: parameters)
            let expected = 0.1 * pow(0.9, Double(step)) * (step >= 2 ? pow(0.5, Double(step - 1)) : 1)
            #expect(abs(optimizer.currentLearningRate! - expected) <= 1e-16, "step \(step)")
        }
    }
}
