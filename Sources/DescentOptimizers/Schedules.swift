// Hyperparameter schedules: a value for each update number, computed in closed
// form so that a schedule is a pure function of the step (nothing to save in a
// checkpoint beyond the optimizer's step count).
//
// Design goals, in priority order:
// 1. The notes' formulas (THEORY.md §13 items 9, 23, 25) exactly, with the
//    parameter ranges the notes leave out (c < 0 for the power law,
//    0 < c < 1 for the exponential) enforced by a throwing initializer.
// 2. PyTorch's, optax's and Keras's schedules reproduced to rounding, with the
//    step counted as they count it (Schedules.md in the DocC catalog lists
//    where their semantics differ).
// 3. Any hyperparameter can be scheduled: values are plain `Double`s and the
//    `Scheduled` wrapper converts them to the optimizer's scalar.

import Foundation

/// A value for each update number: learning rate, momentum, β₁, or any other
/// hyperparameter.
///
/// `step` is the number of updates already taken (the optimizer's
/// `stepCount` before the update that uses the value), so the first update
/// uses `value(atStep: 0)`. This is the count optax and Keras pass to their
/// schedules, and PyTorch's `last_epoch` when `scheduler.step()` is called
/// after each `optimizer.step()`. Negative steps are treated as 0.
public protocol LearningRateSchedule: Sendable {
    /// The value for the update that follows `step` completed updates (`step ≥ 0`).
    func value(atStep step: Int) -> Double
}

// MARK: - Errors

/// Why a schedule (or the learning-rate range test) refused its parameters.
public enum ScheduleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter outside its valid range.
    case invalidParameter(schedule: String, name: String, value: Double, requirement: String)

    public var description: String {
        switch self {
        case let .invalidParameter(schedule, name, value, requirement):
            "\(schedule): \(name) = \(value) is invalid; it must be \(requirement)"
        }
    }
}

/// Throws `.invalidParameter` unless `value` is finite and satisfies `isValid`.
func requireParameter(
    _ value: Double, _ name: String, of schedule: String, _ requirement: String, _ isValid: (Double) -> Bool
) throws(ScheduleError) {
    guard value.isFinite, isValid(value) else {
        throw .invalidParameter(schedule: schedule, name: name, value: value, requirement: requirement)
    }
}

/// Throws `.invalidParameter` unless the count satisfies `isValid`.
func requireCount(
    _ value: Int, _ name: String, of schedule: String, _ requirement: String, _ isValid: (Int) -> Bool
) throws(ScheduleError) {
    guard isValid(value) else {
        throw .invalidParameter(schedule: schedule, name: name, value: Double(value), requirement: requirement)
    }
}

/// Throws unless `value` is a finite hyperparameter value (≥ 0, as every hyperparameter Descent's optimizers have).
func requireValue(_ value: Double, _ name: String, of schedule: String) throws(ScheduleError) {
    try requireParameter(value, name, of: schedule, "finite and ≥ 0") { $0 >= 0 }
}

// MARK: - Constant

/// The same value at every step: η_τ = η.
public struct ConstantSchedule: LearningRateSchedule, Equatable {
    /// η, finite and ≥ 0.
    public let value: Double

    /// - Throws: `ScheduleError.invalidParameter` when `value` is negative or not finite.
    public init(_ value: Double) throws(ScheduleError) {
        try requireValue(value, "value", of: "ConstantSchedule")
        self.value = value
    }

    public func value(atStep step: Int) -> Double { value }
}

// MARK: - Linear decay (the notes' schedule)

/// The notes' linear decay from η₀ to η_K over K steps, then constant:
///
///     η_τ = (1 − τ/K)·η₀ + (τ/K)·η_K   for τ ≤ K,      η_τ = η_K   for τ > K.
///
/// Goodfellow et al. (§8.3.1, the notes' S4) write ε_k = (1 − k/t)α + (k/t)β
/// with β ≈ α/100: η₀ = 0.1, η_K = 0.001, K = 100 give η₅₀ = 0.0505.
/// Equals optax's `linear_schedule(η₀, η_K, K)` and PyTorch's `LinearLR` with
/// `start_factor = 1`, `end_factor = η_K/η₀`, `total_iters = K`; η_K > η₀
/// (a ramp up) is allowed.
public struct LinearDecay: LearningRateSchedule, Equatable {
    /// η₀ ≥ 0, the value at step 0.
    public let initialValue: Double
    /// η_K ≥ 0, the value from step K on.
    public let finalValue: Double
    /// K ≥ 1.
    public let steps: Int

    /// - Throws: `ScheduleError.invalidParameter` for negative or non-finite values or K < 1.
    public init(from initialValue: Double, to finalValue: Double, steps: Int) throws(ScheduleError) {
        try requireValue(initialValue, "initialValue", of: "LinearDecay")
        try requireValue(finalValue, "finalValue", of: "LinearDecay")
        try requireCount(steps, "steps", of: "LinearDecay", "≥ 1") { $0 >= 1 }
        self.initialValue = initialValue
        self.finalValue = finalValue
        self.steps = steps
    }

    public func value(atStep step: Int) -> Double {
        guard step < steps else { return finalValue }
        let fraction = Double(max(step, 0)) / Double(steps)
        return (1 - fraction) * initialValue + fraction * finalValue
    }
}

// MARK: - Power law, exponential and 1/k decay

/// Power-law decay η_τ = η₀·(1 + τ/s)^c with c < 0.
///
/// The notes (S0) give the formula without the sign condition (THEORY.md
/// §14 S0.8): c ≥ 0 would not decay. η₀ = 0.1, c = −0.5, s = 10 give
/// η₃₀ = 0.05. For −1 ≤ c < −½ the steps satisfy the Robbins–Monro
/// conditions Σ η_τ = ∞, Σ η_τ² < ∞.
public struct PowerLawDecay: LearningRateSchedule, Equatable {
    /// η₀ ≥ 0.
    public let initialValue: Double
    /// s > 0, the number of steps over which the decay sets in.
    public let timeScale: Double
    /// c < 0.
    public let exponent: Double

    /// - Throws: `ScheduleError.invalidParameter` when η₀ < 0, s ≤ 0, c ≥ 0 or a value is not finite.
    public init(initialValue: Double, timeScale: Double, exponent: Double) throws(ScheduleError) {
        try requireValue(initialValue, "initialValue", of: "PowerLawDecay")
        try requireParameter(timeScale, "timeScale", of: "PowerLawDecay", "> 0") { $0 > 0 }
        try requireParameter(exponent, "exponent", of: "PowerLawDecay", "< 0 (c ≥ 0 does not decay)") { $0 < 0 }
        self.initialValue = initialValue
        self.timeScale = timeScale
        self.exponent = exponent
    }

    public func value(atStep step: Int) -> Double {
        initialValue * pow(1 + Double(max(step, 0)) / timeScale, exponent)
    }
}

/// Exponential decay η_τ = η₀·c^{τ/s} with 0 < c < 1, or with `staircase`
/// η₀·c^{⌊τ/s⌋}.
///
/// η₀ = 0.1, c = 0.5, s = 10 give η₃₀ = 0.0125. Equals optax's
/// `exponential_decay(η₀, s, c, staircase:)` and Keras's `ExponentialDecay`;
/// PyTorch's `ExponentialLR(gamma)` is s = 1, c = γ (PyTorch multiplies the
/// rate by γ at each step, which differs from c^τ only in rounding).
public struct ExponentialDecay: LearningRateSchedule, Equatable {
    /// η₀ ≥ 0.
    public let initialValue: Double
    /// c ∈ (0, 1), the factor per `timeScale` steps.
    public let rate: Double
    /// s > 0.
    public let timeScale: Double
    /// Whether the exponent is ⌊τ/s⌋ (a step function) instead of τ/s.
    public let staircase: Bool

    /// - Throws: `ScheduleError.invalidParameter` when c ∉ (0, 1), s ≤ 0 or η₀ < 0.
    public init(initialValue: Double, rate: Double, timeScale: Double = 1, staircase: Bool = false) throws(ScheduleError) {
        try requireValue(initialValue, "initialValue", of: "ExponentialDecay")
        try requireParameter(rate, "rate", of: "ExponentialDecay", "in (0, 1) (c ≥ 1 does not decay)") { $0 > 0 && $0 < 1 }
        try requireParameter(timeScale, "timeScale", of: "ExponentialDecay", "> 0") { $0 > 0 }
        self.initialValue = initialValue
        self.rate = rate
        self.timeScale = timeScale
        self.staircase = staircase
    }

    public func value(atStep step: Int) -> Double {
        let exponent = Double(max(step, 0)) / timeScale
        return initialValue * pow(rate, staircase ? exponent.rounded(.down) : exponent)
    }
}

/// The 1/k decay of stochastic approximation (Robbins & Monro 1951):
///
///     η_τ = η₀ / (1 + τ/s).
///
/// With s = 1 this is the notes' ε_k = η₀/k for the k-th update (k = τ + 1),
/// which satisfies Σ ε_k = ∞ and Σ ε_k² < ∞ (THEORY.md §5, §13 item 23).
/// Equals Keras's `InverseTimeDecay(η₀, decay_steps = s, decay_rate = 1)`,
/// and `PowerLawDecay` with c = −1 up to rounding.
public struct InverseTimeDecay: LearningRateSchedule, Equatable {
    /// η₀ ≥ 0.
    public let initialValue: Double
    /// s > 0: the value halves after s steps.
    public let timeScale: Double

    /// - Throws: `ScheduleError.invalidParameter` when η₀ < 0 or s ≤ 0.
    public init(initialValue: Double, timeScale: Double = 1) throws(ScheduleError) {
        try requireValue(initialValue, "initialValue", of: "InverseTimeDecay")
        try requireParameter(timeScale, "timeScale", of: "InverseTimeDecay", "> 0") { $0 > 0 }
        self.initialValue = initialValue
        self.timeScale = timeScale
    }

    public func value(atStep step: Int) -> Double {
        initialValue / (1 + Double(max(step, 0)) / timeScale)
    }
}

// MARK: - Step and multi-step decay

/// Step decay, PyTorch's `StepLR`: η_τ = η₀·γ^{⌊τ/n⌋}, the value multiplied
/// by γ every n steps.
public struct StepDecay: LearningRateSchedule, Equatable {
    /// η₀ ≥ 0.
    public let initialValue: Double
    /// n ≥ 1, the number of steps between decays.
    public let stepSize: Int
    /// γ ∈ (0, 1].
    public let factor: Double

    /// - Throws: `ScheduleError.invalidParameter` when n < 1, γ ∉ (0, 1] or η₀ < 0.
    public init(initialValue: Double, stepSize: Int, factor: Double = 0.1) throws(ScheduleError) {
        try requireValue(initialValue, "initialValue", of: "StepDecay")
        try requireCount(stepSize, "stepSize", of: "StepDecay", "≥ 1") { $0 >= 1 }
        try requireParameter(factor, "factor", of: "StepDecay", "in (0, 1]") { $0 > 0 && $0 <= 1 }
        self.initialValue = initialValue
        self.stepSize = stepSize
        self.factor = factor
    }

    public func value(atStep step: Int) -> Double {
        initialValue * pow(factor, Double(max(step, 0) / stepSize))
    }
}

/// Multi-step decay, PyTorch's `MultiStepLR`: η_τ = η₀·γ^{m(τ)}, where m(τ)
/// counts the milestones ≤ τ. A milestone listed twice decays twice, as in
/// PyTorch.
public struct MultiStepDecay: LearningRateSchedule, Equatable {
    /// η₀ ≥ 0.
    public let initialValue: Double
    /// The steps at which the value is multiplied by γ, sorted, each ≥ 1.
    public let milestones: [Int]
    /// γ ∈ (0, 1].
    public let factor: Double

    /// - Throws: `ScheduleError.invalidParameter` when a milestone is < 1, γ ∉ (0, 1] or η₀ < 0.
    public init(initialValue: Double, milestones: [Int], factor: Double = 0.1) throws(ScheduleError) {
        try requireValue(initialValue, "initialValue", of: "MultiStepDecay")
        for milestone in milestones {
            try requireCount(milestone, "milestone", of: "MultiStepDecay", "≥ 1") { $0 >= 1 }
        }
        try requireParameter(factor, "factor", of: "MultiStepDecay", "in (0, 1]") { $0 > 0 && $0 <= 1 }
        self.initialValue = initialValue
        self.milestones = milestones.sorted()
        self.factor = factor
    }

    public func value(atStep step: Int) -> Double {
        let passed = milestones.prefix { $0 <= step }.count
        return initialValue * pow(factor, Double(passed))
    }
}
