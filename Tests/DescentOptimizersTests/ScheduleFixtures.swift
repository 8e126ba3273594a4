// Reads Fixtures/schedules_pytorch.json, written by
// scripts/make_schedule_fixtures.py (torch.optim.lr_scheduler and optax in
// float64), and compares sequences of values.

import Foundation
import Testing

/// The reference values of the schedule tests.
struct ScheduleFixture: Decodable {
    /// A sequence of values per step (and the momentum PyTorch cycles beside the rate, where it does).
    struct Sequence: Decodable {
        let name: String
        let values: [Double]
        let momentum: [Double]?
    }

    /// A ReduceLROnPlateau run: the metric fed at each record and the rate after it (`nil` metric: NaN).
    struct PlateauRun: Decodable {
        let name: String
        let metrics: [Double?]
        let values: [Double]
    }

    let generator: String
    let schedules: [Sequence]
    let optax: [Sequence]
    let plateau: [PlateauRun]

    static func load() throws -> ScheduleFixture { try decodeFixture("schedules_pytorch.json") }

    func pytorch(_ name: String) throws -> Sequence {
        try #require(schedules.first { $0.name == name }, "no PyTorch case \(name) in the fixture")
    }

    func optax(_ name: String) throws -> Sequence {
        try #require(optax.first { $0.name == name }, "no optax case \(name) in the fixture")
    }

    func plateau(_ name: String) throws -> PlateauRun {
        try #require(plateau.first { $0.name == name }, "no plateau case \(name) in the fixture")
    }
}

/// Checks |actual − expected| ≤ tolerance·|expected| at every step (an expected 0 must be met exactly).
func expectSequence(
    _ actual: (Int) -> Double, matches expected: [Double], tolerance: Double, _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var worst = 0.0, worstStep = 0
    for (step, value) in expected.enumerated() {
        let error = abs(actual(step) - value) / abs(value)
        let normalized = error.isNaN ? (actual(step) == value ? 0 : .infinity) : error
        if normalized > worst { (worst, worstStep) = (normalized, step) }
    }
    #expect(
        worst <= tolerance,
        "\(label): relative error \(worst) at step \(worstStep) (got \(actual(worstStep)), expected \(expected[worstStep]))",
        sourceLocation: sourceLocation)
}
