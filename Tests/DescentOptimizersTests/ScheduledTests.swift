// The Scheduled wrapper: the values it hands the base optimizer, the
// trajectory that follows, errors for hyperparameters the base lacks, and
// checkpoints that resume on the same schedule.
//
// On f(w) = ½‖w‖² (∇f = w), plain gradient descent multiplies w by (1 − η_τ)
// at update τ, so w_n = w₀·Π_{τ<n}(1 − η_τ): a closed form for any schedule.
// Its tolerance is 1e-14 relative: n ≤ 30 products, each rounded once.

import DescentLinalg
import Testing

@testable import DescentOptimizers

@Suite("Scheduled optimizers")
struct ScheduledTests {
    static let start = [Matrix<Double>(column: [1, -2]), Matrix<Double>(rows: 1, columns: 1, repeating: 0.5)]

    /// Updates on f = ½‖w‖², whose gradient is w.
    static func descend<O: Optimizer>(_ optimizer: inout O, _ parameters: inout [Matrix<O.Scalar>], steps: Int) throws {
        for _ in 0..<steps {
            try optimizer.step(&parameters) { $0 }
        }
    }

    @Test("Gradient descent under a step schedule follows w₀·Π(1 − η_τ), each update using value(atStep: τ)")
    func closedFormTrajectory() throws {
        let schedule = try StepDecay(initialValue: 0.3, stepSize: 7, factor: 0.5)
        var optimizer = try Scheduled(SGD<Double>(learningRate: 1), schedules: [.learningRate: schedule])
        #expect(optimizer.currentLearningRate == 0.3, "the first scheduled value is set when wrapping")
        var parameters = Self.start
        var product = 1.0
        for step in 0..<30 {
            try optimizer.update(&parameters, with: parameters)
            #expect(optimizer.currentLearningRate == schedule.value(atStep: step), "update \(step) used its own step's value")
            #expect(optimizer.stepCount == step + 1)
            product *= 1 - schedule.value(atStep: step)
        }
        let expected = Self.start.map { $0 * product }
        for (actual, reference) in zip(parameters, expected) {
            #expect((actual - reference).frobeniusNorm <= 1e-14 * reference.frobeniusNorm)
        }
    }

    @Test("Any hyperparameter can be scheduled, in Float too (each value rounded once from Double)")
    func momentumScheduleInFloat() throws {
        let rate = try OneCycleSchedule(maximumValue: 0.1, totalSteps: 20)
        let momentum = try OneCycleSchedule.momentum(totalSteps: 20)
        var optimizer = try Scheduled(
            SGD<Float>(learningRate: 0.1, momentum: 0.9), schedules: [.learningRate: rate, .momentum: momentum])
        var parameters = Self.start.map { $0.converted(to: Float.self) }
        for step in 0..<20 {
            try optimizer.update(&parameters, with: parameters)
            #expect(optimizer.value(of: .learningRate) == Float(rate.value(atStep: step)))
            #expect(optimizer.value(of: .momentum) == Float(momentum.value(atStep: step)))
        }
        #expect(optimizer.scheduledValue(of: .momentum, atStep: 3) == momentum.value(atStep: 3))
        #expect(optimizer.scheduledValue(of: .weightDecay, atStep: 3) == nil)
    }

    @Test("Multipliers scale the base's value (PyTorch's LambdaLR) and factors scale whatever is scheduled")
    func multipliersAndFactors() throws {
        let ramp = try LinearDecay(from: 1, to: 0, steps: 10)
        var optimizer = try Scheduled(SGD<Double>(learningRate: 0.2), multipliers: [.learningRate: ramp])
        var parameters = Self.start
        for step in 0..<4 {
            try optimizer.update(&parameters, with: parameters)
            #expect(optimizer.currentLearningRate == 0.2 * ramp.value(atStep: step))
        }
        optimizer.factors[.learningRate] = 0.5
        try optimizer.update(&parameters, with: parameters)
        #expect(optimizer.currentLearningRate == 0.2 * ramp.value(atStep: 4) * 0.5)
        // A factor alone scales the reference value (here the momentum the base was built with).
        var plain = try Scheduled(SGD<Double>(learningRate: 0.1, momentum: 0.8))
        plain.factors[.momentum] = 0.5
        try plain.update(&parameters, with: parameters)
        #expect(plain.value(of: .momentum) == 0.4)
        // setValue changes the reference that factors scale.
        try plain.setValue(0.6, for: .momentum)
        try plain.update(&parameters, with: parameters)
        #expect(plain.value(of: .momentum) == 0.3)
    }

    @Test("A hyperparameter the base lacks, scheduled twice, or out of its range is refused")
    func errors() throws {
        let constant = try ConstantSchedule(0.9)
        #expect(
            throws: OptimizerError.unknownHyperparameter(
                optimizer: "SGD", name: "beta1", known: ["learningRate", "momentum", "dampening", "weightDecay"])
        ) { try Scheduled(SGD<Double>(learningRate: 0.1), schedules: [.beta1: constant]) }
        #expect(throws: OptimizerError.self) {
            try Scheduled(
                SGD<Double>(learningRate: 0.1), schedules: [.learningRate: constant], multipliers: [.learningRate: constant])
        }
        // Momentum 1 is outside SGD's [0, 1): the first scheduled value already fails.
        #expect(throws: OptimizerError.self) {
            try Scheduled(SGD<Double>(learningRate: 0.1, momentum: 0.5), schedules: [.momentum: try ConstantSchedule(1)])
        }
        var optimizer = try Scheduled(SGD<Double>(learningRate: 0.1))
        optimizer.factors["noSuchThing"] = 2
        var parameters = Self.start
        #expect(throws: OptimizerError.self) { try optimizer.update(&parameters, with: parameters) }
    }

    @Test("A checkpoint restores into a fresh wrapper and resumes bit-identically (Nesterov look-ahead, cosine schedule)")
    func stateRoundTrip() throws {
        let schedule = try CosineDecay(from: 0.2, to: 0.01, steps: 12).withLinearWarmup(steps: 3, from: 0.02)
        func fresh() throws -> Scheduled<SGD<Double>> {
            try Scheduled(
                SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: .lookAhead), schedules: [.learningRate: schedule])
        }
        var uninterrupted = try fresh()
        var parameters = Self.start
        try Self.descend(&uninterrupted, &parameters, steps: 6)
        let saved = uninterrupted.state()
        let halfway = parameters
        try Self.descend(&uninterrupted, &parameters, steps: 9)

        var resumed = try fresh()
        try resumed.restore(from: saved)
        #expect(resumed.state() == saved, "state() right after restore is the saved state")
        #expect(resumed.stepCount == 6 && resumed.name == "SGD+Nesterov")
        var resumedParameters = halfway
        try Self.descend(&resumed, &resumedParameters, steps: 9)
        #expect(resumedParameters == parameters)
        #expect(resumed.state() == uninterrupted.state())

        // The trajectory differs from a constant rate, so the schedule was in effect.
        var constant = try SGD<Double>(learningRate: 0.1, momentum: 0.9, nesterov: .lookAhead)
        var constantParameters = Self.start
        try Self.descend(&constant, &constantParameters, steps: 15)
        #expect(constantParameters != parameters)
    }
}
