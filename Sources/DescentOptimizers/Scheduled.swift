// An optimizer whose hyperparameters follow schedules: before each update it
// sets each scheduled hyperparameter from the base optimizer's step count, so
// the schedule needs no state of its own and a restored optimizer resumes on
// the same values.

import DescentLinalg

/// Wraps an optimizer and sets scheduled hyperparameters before each update.
///
/// Before update number τ (τ = `stepCount`, the updates already taken), each
/// hyperparameter h with a schedule is set to
///
///     h_τ = s_h(τ)·f_h            (`schedules`: the schedule replaces the value)
///     h_τ = h_ref·m_h(τ)·f_h      (`multipliers`: the schedule scales the reference value)
///     h_τ = h_ref·f_h             (only a factor)
///
/// where h_ref is the base optimizer's value when it was wrapped (or the last
/// value given to `setValue(_:for:)`), and f_h is `factors[h]` (default 1),
/// which the caller may change between updates — for instance to
/// `ReduceOnPlateau.value` with `initialValue: 1`. `multipliers` are PyTorch's
/// `LambdaLR`: η_τ = η_base·λ(τ).
///
/// ```swift
/// let cosine = try CosineDecay(from: 0.1, to: 0.001, steps: 1000).withLinearWarmup(steps: 50)
/// var optimizer = try Scheduled(SGD<Double>(learningRate: 0.1, momentum: 0.9), schedules: [.learningRate: cosine])
/// try optimizer.update(&parameters, with: gradients)   // uses η = cosine.value(atStep: 0)
/// ```
///
/// `name`, `stepCount`, `state()` and `restore(from:)` are the base
/// optimizer's, so a checkpoint of a scheduled optimizer restores into the
/// same wrapper around a fresh base (or into the bare base). Values are
/// computed in `Double` and rounded once to `Scalar`.
public struct Scheduled<Base: Optimizer>: Optimizer {
    public typealias Scalar = Base.Scalar

    /// The wrapped optimizer (its hyperparameters hold the values of the last update).
    public private(set) var base: Base
    /// Schedules whose values replace the hyperparameter.
    public let schedules: [Hyperparameter: any LearningRateSchedule]
    /// Schedules whose values multiply the hyperparameter's reference value.
    public let multipliers: [Hyperparameter: any LearningRateSchedule]
    /// Extra factors applied on top of the schedules, changeable between updates.
    /// A hyperparameter listed here must exist in the base optimizer.
    public var factors: [Hyperparameter: Double] = [:]
    /// The values `multipliers` and `factors` scale: the base's values when wrapped.
    public private(set) var referenceValues: [Hyperparameter: Double]

    /// - Parameters:
    ///   - base: the optimizer to drive (usually fresh: its current values become the reference values).
    ///   - schedules: hyperparameter → schedule of its value.
    ///   - multipliers: hyperparameter → schedule of a factor of its reference value.
    /// - Throws: `OptimizerError.unknownHyperparameter` when the base has no
    ///   hyperparameter by a scheduled name; `.invalidHyperparameter` when a
    ///   hyperparameter is in both dictionaries or its first scheduled value is
    ///   out of the base's range.
    public init(
        _ base: Base, schedules: [Hyperparameter: any LearningRateSchedule] = [:],
        multipliers: [Hyperparameter: any LearningRateSchedule] = [:]
    ) throws(OptimizerError) {
        self.base = base
        self.schedules = schedules
        self.multipliers = multipliers
        var references: [Hyperparameter: Double] = [:]
        for name in base.hyperparameterNames {
            if let value = base.value(of: name) { references[name] = Double(value) }
        }
        self.referenceValues = references
        for name in Array(schedules.keys) + Array(multipliers.keys) where references[name] == nil {
            throw base.unknown(name)
        }
        for name in schedules.keys where multipliers[name] != nil {
            throw .invalidHyperparameter(
                optimizer: base.name, name: name.rawValue, value: .nan,
                requirement: "scheduled once: give it either a schedule or a multiplier, not both")
        }
        try applySchedules()
    }

    // MARK: - Scheduled values

    /// The value the update after `step` completed updates gives `hyperparameter`,
    /// or `nil` if it is neither scheduled nor scaled by a factor.
    public func scheduledValue(of hyperparameter: Hyperparameter, atStep step: Int) -> Double? {
        let factor = factors[hyperparameter] ?? 1
        if let schedule = schedules[hyperparameter] {
            return schedule.value(atStep: step) * factor
        }
        guard let reference = referenceValues[hyperparameter] else { return nil }
        if let multiplier = multipliers[hyperparameter] {
            return reference * multiplier.value(atStep: step) * factor
        }
        return factors[hyperparameter] == nil ? nil : reference * factor
    }

    /// Sets every scheduled hyperparameter of `base` for its next update.
    private mutating func applySchedules() throws(OptimizerError) {
        for name in factors.keys where referenceValues[name] == nil {
            throw base.unknown(name)
        }
        let step = base.stepCount
        for name in base.hyperparameterNames {
            guard let value = scheduledValue(of: name, atStep: step) else { continue }
            try base.setValue(Scalar(value), for: name)
        }
    }

    // MARK: - Optimizer

    public var name: String { base.name }
    public var stepCount: Int { base.stepCount }
    public var hyperparameterNames: [Hyperparameter] { base.hyperparameterNames }

    /// The value the last update used (before the first update: the first scheduled value).
    public func value(of hyperparameter: Hyperparameter) -> Scalar? { base.value(of: hyperparameter) }

    /// Sets the base's value and makes it the reference value that `multipliers`
    /// and `factors` scale. A hyperparameter with a replacing schedule gets its
    /// scheduled value back at the next update.
    public mutating func setValue(_ value: Scalar, for hyperparameter: Hyperparameter) throws(OptimizerError) {
        try base.setValue(value, for: hyperparameter)
        referenceValues[hyperparameter] = Double(value)
    }

    public mutating func update(_ parameters: inout [Matrix<Scalar>], with gradients: [Matrix<Scalar>]) throws(OptimizerError) {
        try applySchedules()
        try base.update(&parameters, with: gradients)
    }

    public mutating func step(
        _ parameters: inout [Matrix<Scalar>], gradientAt gradient: ([Matrix<Scalar>]) throws -> [Matrix<Scalar>]
    ) throws {
        try applySchedules()
        try base.step(&parameters, gradientAt: gradient)
    }

    public func state() -> OptimizerState<Scalar> { base.state() }

    /// Restores the base's state (hyperparameters as saved: the values of the
    /// last update); the next update continues the schedules from its step count.
    public mutating func restore(from state: OptimizerState<Scalar>) throws(OptimizerError) {
        try base.restore(from: state)
    }
}
