// The learning-rate range test on a quadratic bowl f(w) = ½wᵀHw with known
// eigenvalues, where gradient descent multiplies the k-th eigencomponent by
// (1 − ηλ_k) per update: every update with η < 2/L (L = λ_max) lowers the
// loss, and past 2/L the top component grows geometrically. The test must
// run through the stable range, stop after 2/L (within a few times 2/L: the
// smoothed loss lags, and the top component must first regrow), and suggest
// a rate below 2/L. Smoothing and the suggestion rules are checked on loss curves
// given in closed form.

import DescentLinalg
import Foundation
import Testing

@testable import DescentOptimizers

@Suite("Learning-rate range test")
struct RangeTestTests {
    /// H = QΛQᵀ with eigenvalues from 0.01 to L = 4 (geometric) and Q a rotation of the first two axes.
    static let eigenvalues = (0..<12).map { 0.01 * pow(400, Double($0) / 11) }
    static let hessian: Matrix<Double> = {
        var h = Matrix<Double>(rows: 12, columns: 12)
        for (k, lambda) in eigenvalues.enumerated() { h[k, k] = lambda }
        let (c, s) = (cos(0.3), sin(0.3))
        var q = Matrix<Double>.identity(12)
        (q[0, 0], q[0, 11], q[11, 0], q[11, 11]) = (c, -s, s, c)
        return q * h * q.transposed()
    }()

    /// f = ½wᵀHw and ∇f = Hw.
    static func bowl(_ parameters: [Matrix<Double>]) -> (loss: Double, gradients: [Matrix<Double>]) {
        let w = parameters[0]
        let gradient = hessian * w
        let loss = 0.5 * zip(w.elements, gradient.elements).reduce(0) { $0 + $1.0 * $1.1 }
        return (loss, [gradient])
    }

    @Test("On ½wᵀHw with L = 4, the sweep descends below 2/L, stops just past it, and suggests a rate below it")
    func quadraticBowl() throws {
        let limit = 2 / Self.eigenvalues.last!  // 2/L = 0.5
        let rangeTest = try LearningRateRangeTest(from: 1e-4, to: 100, steps: 300)
        let result = try rangeTest.run(
            try SGD<Double>(learningRate: 0.1), from: [Matrix(column: Array(repeating: 1, count: 12))], evaluate: Self.bowl)
        #expect(result.stopReason == .diverged)
        let records = result.records
        // Every update with η < 2/L lowers the loss (all |1 − ηλ_k| < 1) and the run keeps going.
        let stable = records.prefix { $0.learningRate < limit }
        #expect(stable.count >= 100 && stable.count < records.count)
        for (current, next) in zip(stable, stable.dropFirst()) { #expect(next.loss < current.loss) }
        // Past 2/L the loss turns up, and the smoothed loss reaches 4× its minimum soon after.
        let last = try #require(records.last)
        #expect(last.learningRate > limit && last.learningRate < 6 * limit, "stopped at η = \(last.learningRate)")
        #expect(last.loss > records[stable.count].loss)
        #expect(last.smoothedLoss > 4 * (result.minimumRecord?.smoothedLoss ?? .nan))
        // The suggestion (steepest descent of the smoothed loss) lies in the stable range.
        let suggested = try #require(result.suggestedLearningRate)
        #expect(suggested == result.steepestDescentLearningRate)
        #expect(suggested < limit && suggested > 1e-3, "suggested \(suggested)")
        let cautious = try #require(result.minimumLossLearningRateOverTen)
        #expect(cautious < limit)
        #expect(abs(cautious * 10 - (result.minimumLossLearningRate ?? .nan)) <= 1e-16)

        // Without smoothing the run stops sooner, but not at 2/L itself: near η = 1/L the sweep
        // all but zeroes the top eigencomponent, which then needs several updates with
        // |1 − ηL| > 1 to regrow. Measured: stop at η ≈ 2.26 (unsmoothed) and 2.48 (β = 0.98).
        let unsmoothed = try LearningRateRangeTest(from: 1e-4, to: 100, steps: 300, smoothing: 0).run(
            try SGD<Double>(learningRate: 0.1), from: [Matrix(column: Array(repeating: 1, count: 12))], evaluate: Self.bowl)
        let stop = try #require(unsmoothed.records.last?.learningRate)
        #expect(unsmoothed.stopReason == .diverged && stop > limit && stop <= last.learningRate, "stopped at η = \(stop)")
        #expect(try #require(unsmoothed.suggestedLearningRate) < limit)
    }

    @Test("Rates grow geometrically from η_start to η_end and losses are smoothed with bias correction")
    func scheduleAndSmoothing() throws {
        let rangeTest = try LearningRateRangeTest(from: 1e-3, to: 1e-1, steps: 5, smoothing: 0.9)
        #expect(
            (0..<5).map(rangeTest.learningRate(atStep:)).enumerated().allSatisfy { index, rate in
                abs(rate - 1e-3 * pow(10, Double(index) / 2)) <= 1e-15 * rate
            })
        // A loss that does not depend on the parameters: 4, 3, 2, 1, 0.5 (SGD on a gradient of 0).
        let losses = [4.0, 3, 2, 1, 0.5]
        var calls = 0
        let result = try rangeTest.run(try SGD<Double>(learningRate: 1), from: [Matrix(column: [0])]) { parameters in
            defer { calls += 1 }
            return (losses[calls], [Matrix(column: [0])])
        }
        #expect(result.stopReason == .completed && result.records.count == 5)
        var average = 0.0
        for (index, record) in result.records.enumerated() {
            average = 0.9 * average + 0.1 * losses[index]
            let expected = average / (1 - pow(0.9, Double(index + 1)))
            #expect(abs(record.smoothedLoss - expected) <= 1e-15 * expected)
        }
        #expect(result.records[0].smoothedLoss == 4, "bias correction makes the first smoothed loss the loss itself")
    }

    @Test("The steepest drop of the smoothed loss against log η is the suggestion; the rise after the minimum is ignored")
    func steepestDescent() throws {
        // ℓ(η) = 2 − tanh(2 ln(η/η*)) falls fastest at η* = 0.01; then a jump up (divergence) at the end.
        let rangeTest = try LearningRateRangeTest(from: 1e-4, to: 1, steps: 41, smoothing: 0, divergenceFactor: 100)
        let star = 0.01
        var step = 0
        let result = try rangeTest.run(try SGD<Double>(learningRate: 1), from: [Matrix(column: [0])]) { _ in
            defer { step += 1 }
            let rate = rangeTest.learningRate(atStep: step)
            let loss = step == 40 ? 50 : 2 - tanh(2 * log(rate / star))
            return (loss, [Matrix(column: [0])])
        }
        #expect(result.stopReason == .completed)
        // The grid has 10 points per decade; the drop is symmetric about η*, so the steepest
        // pair of neighbours starts either at η* or one point before it.
        let steepest = try #require(result.steepestDescentLearningRate)
        #expect(abs(steepest - star) <= 1e-12 || abs(steepest - star / pow(10, 0.1)) <= 1e-12, "steepest at \(steepest)")
        #expect(result.minimumRecord?.step == 39)
    }

    @Test("A NaN loss stops the run; bad parameters and an optimizer without a learning rate are refused")
    func stopsAndErrors() throws {
        let rangeTest = try LearningRateRangeTest(from: 1e-3, to: 1, steps: 20)
        var calls = 0
        let result = try rangeTest.run(try SGD<Double>(learningRate: 1), from: [Matrix(column: [0])]) { _ in
            defer { calls += 1 }
            return (calls == 5 ? .nan : 1 + Double(calls), [Matrix(column: [0])])
        }
        #expect(result.stopReason == .nonFiniteLoss && result.records.count == 6)
        #expect(result.minimumRecord?.step == 0, "a rising loss has its minimum at step 0")
        #expect(result.steepestDescentLearningRate == nil)
        #expect(result.suggestedLearningRate == 1e-4, "falls back to the minimum's η/10")

        #expect(throws: ScheduleError.self) { try LearningRateRangeTest(from: 0, to: 1) }
        #expect(throws: ScheduleError.self) { try LearningRateRangeTest(from: 1, to: 0.1) }
        #expect(throws: ScheduleError.self) { try LearningRateRangeTest(steps: 1) }
        #expect(throws: ScheduleError.self) { try LearningRateRangeTest(smoothing: 1) }
        #expect(throws: OptimizerError.self) {
            try rangeTest.run(NoLearningRate(), from: [Matrix(column: [0])]) { _ in (0, [Matrix(column: [0])]) }
        }
    }
}

/// A test-only method without a learning rate (w ← w − g), like AdaDelta's default form.
private struct NoLearningRate: Optimizer {
    typealias Scalar = Double
    var name: String { "NoLearningRate" }
    var stepCount = 0
    var hyperparameterNames: [Hyperparameter] { [] }
    func value(of hyperparameter: Hyperparameter) -> Double? { nil }
    mutating func setValue(_ value: Double, for hyperparameter: Hyperparameter) throws(OptimizerError) {
        throw unknown(hyperparameter)
    }
    mutating func update(_ parameters: inout [Matrix<Double>], with gradients: [Matrix<Double>]) throws(OptimizerError) {
        try requireMatching(parameters, gradients)
        for index in parameters.indices { parameters[index] -= gradients[index] }
        stepCount += 1
    }
    func state() -> OptimizerState<Double> { baseState() }
    mutating func restore(from state: OptimizerState<Double>) throws(OptimizerError) {
        try validate(state, slots: [])
        stepCount = state.stepCount
    }
}
