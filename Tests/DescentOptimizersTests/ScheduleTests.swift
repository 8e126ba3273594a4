// Schedules against the notes' values (THEORY.md §13 items 9, 23 and 25),
// against torch.optim.lr_scheduler and optax (Fixtures/schedules_pytorch.json,
// from scripts/make_schedule_fixtures.py), and their parameter checks.
//
// Tolerances: the notes' values are exact decimals that the formulas produce
// to within a few ulps, so 1e-15 relative. PyTorch's StepLR, ExponentialLR and
// CosineAnnealingLR update the rate recursively (η ← γη, or a ratio of
// cosines), Descent in closed form; each step adds at most an ulp or two of
// difference, so after 300 steps ≤ 300·2.2e-16 ≈ 7e-14 (measured: 1.8e-15
// for ExponentialLR, 1.4e-15 for CosineAnnealingLR, 0 for StepLR). 1e-12
// bounds that with room. The closed-form schedules (CyclicLR, OneCycleLR,
// warm restarts) follow PyTorch's order of operations and agree bit for bit
// (measured 0); optax's warm-up cosine differs by 1.7e-15 (another order).

import Foundation
import Testing

@testable import DescentOptimizers

@Suite("Schedules")
struct ScheduleTests {
    // MARK: - The notes' values

    @Test("Linear decay: THEORY.md §13 #9 and #25 give 0.0505 halfway, then η_K")
    func linearDecay() throws {
        let notes = try LinearDecay(from: 0.1, to: 0.001, steps: 100)
        #expect(abs(notes.value(atStep: 50) - 0.0505) <= 1e-15 * 0.0505)
        #expect(notes.value(atStep: 0) == 0.1)
        #expect(notes.value(atStep: 100) == 0.001)
        #expect(notes.value(atStep: 250) == 0.001)
        // Goodfellow's form: α = 0.1, β = 0.01α, t = 1000, k = 500.
        let goodfellow = try LinearDecay(from: 0.1, to: 0.01 * 0.1, steps: 1000)
        #expect(abs(goodfellow.value(atStep: 500) - 0.0505) <= 1e-15 * 0.0505)
    }

    @Test("Power law and exponential decay: THEORY.md §13 #9 gives 0.05 and 0.0125 at τ = 30")
    func powerLawAndExponential() throws {
        let power = try PowerLawDecay(initialValue: 0.1, timeScale: 10, exponent: -0.5)
        #expect(abs(power.value(atStep: 30) - 0.05) <= 1e-15 * 0.05)
        #expect(power.value(atStep: 0) == 0.1)
        let exponential = try ExponentialDecay(initialValue: 0.1, rate: 0.5, timeScale: 10)
        #expect(abs(exponential.value(atStep: 30) - 0.0125) <= 1e-15 * 0.0125)
        #expect(abs(exponential.value(atStep: 5) - 0.1 / 2.0.squareRoot()) <= 1e-15 * 0.1)
        let staircase = try ExponentialDecay(initialValue: 0.1, rate: 0.5, timeScale: 10, staircase: true)
        #expect(staircase.value(atStep: 29) == 0.025)
        #expect(staircase.value(atStep: 30) == 0.0125)
    }

    @Test("1/k decay: ε_k = η₀/k for the k-th update; its sums diverge while the squares converge")
    func inverseTime() throws {
        let schedule = try InverseTimeDecay(initialValue: 0.5)
        for k in 1...10 { #expect(schedule.value(atStep: k - 1) == 0.5 / Double(k)) }
        // Σ_{k ≤ n} 1/k − ln n → γ (Euler–Mascheroni) and Σ 1/k² → π²/6, each to O(1/n).
        let n = 100_000
        let sum = (0..<n).reduce(0.0) { $0 + schedule.value(atStep: $1) } / 0.5
        let squares = (0..<n).reduce(0.0) { $0 + pow(schedule.value(atStep: $1) / 0.5, 2) }
        #expect(abs(sum - log(Double(n)) - 0.5772156649015329) < 1e-5)
        #expect(abs(squares - Double.pi * Double.pi / 6) < 2e-5)
        let scaled = try InverseTimeDecay(initialValue: 0.1, timeScale: 20)
        #expect(scaled.value(atStep: 20) == 0.05)
        // The same curve as the power law with c = −1.
        let power = try PowerLawDecay(initialValue: 0.1, timeScale: 20, exponent: -1)
        #expect(abs(power.value(atStep: 37) - scaled.value(atStep: 37)) <= 1e-16)
    }

    @Test("Constant, step and multi-step schedules at their boundaries")
    func stepBoundaries() throws {
        #expect(try ConstantSchedule(0.3).value(atStep: 1_000_000) == 0.3)
        let step = try StepDecay(initialValue: 1, stepSize: 10, factor: 0.5)
        #expect([0, 9, 10, 19, 20].map(step.value(atStep:)) == [1, 1, 0.5, 0.5, 0.25])
        let multi = try MultiStepDecay(initialValue: 1, milestones: [30, 10, 30], factor: 0.5)
        #expect(multi.milestones == [10, 30, 30])
        #expect([0, 9, 10, 29, 30, 500].map(multi.value(atStep:)) == [1, 1, 0.5, 0.5, 0.125, 0.125])
        #expect(step.value(atStep: -5) == 1, "negative steps count as 0")
    }

    @Test("Warm restarts jump back to η_max at T₀, T₀(1 + T_mult), …")
    func warmRestartPositions() throws {
        let schedule = try CosineWarmRestarts(maximumValue: 1, minimumValue: 0, firstPeriod: 10, periodMultiplier: 2)
        for restart in [0, 10, 30, 70, 150] {
            #expect(schedule.value(atStep: restart) == 1)
            #expect(schedule.value(atStep: restart + 1) < 1)
        }
        #expect(schedule.position(atStep: 29) == (19, 20))
        #expect(schedule.position(atStep: 30) == (0, 40))
        // Halfway through a period the cosine is at the mean of the bounds.
        #expect(abs(schedule.value(atStep: 50) - 0.5) < 1e-15)
    }

    @Test("Linear warm-up ramps to the following schedule's first value, which then starts from its step 0")
    func warmup() throws {
        let following = try CosineDecay(from: 0.1, to: 0, steps: 100)
        let schedule = try following.withLinearWarmup(steps: 10, from: 0)
        #expect(schedule.value(atStep: 0) == 0)
        #expect(abs(schedule.value(atStep: 5) - 0.05) < 1e-17)
        for step in [10, 11, 60, 110, 200] {
            #expect(schedule.value(atStep: step) == following.value(atStep: step - 10))
        }
    }

    @Test("One cycle reaches its peak at the end of the warm-up and its final value at N − 1")
    func oneCycleShape() throws {
        let schedule = try OneCycleSchedule(maximumValue: 1, totalSteps: 101, warmupFraction: 0.3)
        // pN − 1 = 29.3: the peak lies between steps 29 and 30. The cosine form
        // b + ½(a − b)(1 + cos 0) returns a to within an ulp or two (as PyTorch does).
        #expect(abs(schedule.value(atStep: 0) - 1.0 / 25) <= 1e-15)
        #expect(schedule.value(atStep: 100) == 1.0 / 25 / 1e4)
        #expect(schedule.value(atStep: 1000) == schedule.finalValue)
        let peak = (0..<101).map(schedule.value(atStep:)).max() ?? 0
        #expect(peak > 0.999 && peak <= 1)
        let momentum = try OneCycleSchedule.momentum(totalSteps: 101)
        #expect(momentum.value(atStep: 0) == 0.95 && momentum.value(atStep: 100) == 0.95)
    }

    // MARK: - PyTorch and optax

    /// The Descent schedule with the parameters the fixture script gave PyTorch, and its momentum schedule.
    static func pytorchEquivalent(_ name: String) throws -> (
        rate: any LearningRateSchedule, momentum: (any LearningRateSchedule)?
    ) {
        switch name {
        case "step": (try StepDecay(initialValue: 0.1, stepSize: 30, factor: 0.5), nil)
        case "multistep": (try MultiStepDecay(initialValue: 0.1, milestones: [20, 50, 50, 120], factor: 0.3), nil)
        case "exponential": (try ExponentialDecay(initialValue: 0.1, rate: 0.97), nil)
        case "cosine": (try CosineDecay(from: 0.1, to: 0.001, steps: 100), nil)
        case "cosine_restarts":
            (try CosineWarmRestarts(maximumValue: 0.1, minimumValue: 0.001, firstPeriod: 10, periodMultiplier: 2), nil)
        case "cosine_restarts_constant_period": (try CosineWarmRestarts(maximumValue: 0.1, firstPeriod: 25), nil)
        case "cyclic_triangular":
            (
                try CyclicalSchedule(lower: 0.001, upper: 0.1, stepsUp: 20),
                try CyclicalSchedule.momentum(maximum: 0.9, minimum: 0.8, stepsUp: 20)
            )
        case "cyclic_triangular2":
            (
                try CyclicalSchedule(lower: 0.001, upper: 0.1, stepsUp: 15, stepsDown: 35, policy: .triangular2),
                try CyclicalSchedule.momentum(maximum: 0.95, minimum: 0.85, stepsUp: 15, stepsDown: 35, policy: .triangular2)
            )
        case "cyclic_exp_range":
            (
                try CyclicalSchedule(lower: 0.001, upper: 0.1, stepsUp: 25, policy: .exponentialRange(gamma: 0.99)),
                try CyclicalSchedule.momentum(maximum: 0.9, minimum: 0.8, stepsUp: 25, policy: .exponentialRange(gamma: 0.99))
            )
        case "one_cycle_cosine":
            (
                try OneCycleSchedule(maximumValue: 0.1, totalSteps: 200, warmupFraction: 0.3),
                try OneCycleSchedule.momentum(maximum: 0.95, minimum: 0.85, totalSteps: 200, warmupFraction: 0.3)
            )
        case "one_cycle_linear_three_phase":
            (
                try OneCycleSchedule(
                    maximumValue: 0.05, totalSteps: 150, warmupFraction: 0.25, annealing: .linear, divisionFactor: 10,
                    finalDivisionFactor: 100, threePhase: true),
                try OneCycleSchedule.momentum(
                    maximum: 0.9, minimum: 0.8, totalSteps: 150, warmupFraction: 0.25, annealing: .linear, threePhase: true)
            )
        default: throw ScheduleError.invalidParameter(schedule: name, name: "fixture case", value: .nan, requirement: "known")
        }
    }

    static let pytorchCases = [
        "step", "multistep", "exponential", "cosine", "cosine_restarts", "cosine_restarts_constant_period",
        "cyclic_triangular", "cyclic_triangular2", "cyclic_exp_range", "one_cycle_cosine", "one_cycle_linear_three_phase",
    ]

    @Test("Rates (and cycled momenta) match torch.optim.lr_scheduler to 1e-12 relative", arguments: pytorchCases)
    func matchesPyTorch(_ name: String) throws {
        let fixture = try ScheduleFixture.load().pytorch(name)
        let (rate, momentum) = try Self.pytorchEquivalent(name)
        #expect(fixture.values.count >= 100)
        expectSequence(rate.value(atStep:), matches: fixture.values, tolerance: 1e-12, "\(name) rate")
        #expect((momentum == nil) == (fixture.momentum == nil), "\(name): momentum cycled on one side only")
        if let momentum, let expected = fixture.momentum {
            expectSequence(momentum.value(atStep:), matches: expected, tolerance: 1e-12, "\(name) momentum")
        }
    }

    @Test("Every PyTorch case in the fixture is tested")
    func fixtureCoverage() throws {
        #expect(try ScheduleFixture.load().schedules.map(\.name).sorted() == Self.pytorchCases.sorted())
    }

    @Test("Warm-up, exponential and linear schedules match optax (float64) to 1e-12 relative")
    func matchesOptax() throws {
        let fixture = try ScheduleFixture.load()
        let cases: [(String, any LearningRateSchedule)] = [
            ("warmup_cosine", try CosineDecay(from: 0.1, to: 0.002, steps: 100).withLinearWarmup(steps: 20, from: 0.001)),
            ("exponential", try ExponentialDecay(initialValue: 0.1, rate: 0.5, timeScale: 10)),
            ("exponential_staircase", try ExponentialDecay(initialValue: 0.1, rate: 0.5, timeScale: 10, staircase: true)),
            ("linear", try LinearDecay(from: 0.1, to: 0.001, steps: 100)),
        ]
        #expect(fixture.optax.count == cases.count)
        for (name, schedule) in cases {
            expectSequence(schedule.value(atStep:), matches: try fixture.optax(name).values, tolerance: 1e-12, "optax \(name)")
        }
    }

    // MARK: - Parameter checks

    @Test("Out-of-range parameters throw with the parameter, its value and the requirement")
    func validation() {
        #expect(
            throws: ScheduleError.invalidParameter(
                schedule: "PowerLawDecay", name: "exponent", value: 0.5, requirement: "< 0 (c ≥ 0 does not decay)")
        ) { try PowerLawDecay(initialValue: 0.1, timeScale: 10, exponent: 0.5) }
        #expect(throws: ScheduleError.self) { try ExponentialDecay(initialValue: 0.1, rate: 1) }
        #expect(throws: ScheduleError.self) { try ExponentialDecay(initialValue: 0.1, rate: 0.5, timeScale: 0) }
        #expect(throws: ScheduleError.self) { try LinearDecay(from: 0.1, to: .nan, steps: 10) }
        #expect(throws: ScheduleError.self) { try LinearDecay(from: 0.1, to: 0.01, steps: 0) }
        #expect(throws: ScheduleError.self) { try ConstantSchedule(-1) }
        #expect(throws: ScheduleError.self) { try StepDecay(initialValue: 0.1, stepSize: 0) }
        #expect(throws: ScheduleError.self) { try MultiStepDecay(initialValue: 0.1, milestones: [0, 5]) }
        #expect(throws: ScheduleError.self) { try CosineWarmRestarts(maximumValue: 0.1, firstPeriod: 10, periodMultiplier: 0) }
        #expect(throws: ScheduleError.self) { try CyclicalSchedule(lower: 0, upper: 1, stepsUp: 0) }
        #expect(throws: ScheduleError.self) {
            try CyclicalSchedule(lower: 0, upper: 1, stepsUp: 5, policy: .exponentialRange(gamma: 1.5))
        }
        // pN − 1 ≤ 0: the warm-up would be empty (PyTorch divides by zero there).
        #expect(throws: ScheduleError.self) { try OneCycleSchedule(maximumValue: 0.1, totalSteps: 3, warmupFraction: 0.3) }
        #expect(throws: ScheduleError.self) {
            try OneCycleSchedule(maximumValue: 0.1, totalSteps: 100, warmupFraction: 0.6, threePhase: true)
        }
        let message = ScheduleError.invalidParameter(schedule: "StepDecay", name: "stepSize", value: 0, requirement: "≥ 1")
        #expect(message.description == "StepDecay: stepSize = 0.0 is invalid; it must be ≥ 1")
    }
}
