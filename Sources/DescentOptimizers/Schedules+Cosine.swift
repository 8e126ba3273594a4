// Cosine annealing (with and without warm restarts) and linear warm-up.
//
// Sources: Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
// Restarts", ICLR 2017 (eq. 5); Goyal et al. 2017, "Accurate, Large Minibatch
// SGD" (gradual warm-up). Semantics: PyTorch's CosineAnnealingWarmRestarts and
// optax's cosine_decay_schedule / warmup_cosine_decay_schedule.

import Foundation

// MARK: - Cosine decay

/// Cosine annealing from η_max to η_min over T steps, then constant η_min:
///
///     η_τ = η_min + ½(η_max − η_min)(1 + cos(πτ/T))   for τ ≤ T,   η_min for τ > T.
///
/// Equals optax's `cosine_decay_schedule(η_max, T, alpha = η_min/η_max)` and
/// Keras's `CosineDecay`. PyTorch's `CosineAnnealingLR(T_max = T, eta_min)`
/// agrees for τ ≤ T but keeps following the cosine after T (the rate climbs
/// back to η_max at 2T); use `CosineWarmRestarts` for restarts.
public struct CosineDecay: LearningRateSchedule, Equatable {
    /// η_max ≥ 0, the value at step 0.
    public let maximumValue: Double
    /// η_min ≥ 0, the value from step T on.
    public let minimumValue: Double
    /// T ≥ 1.
    public let steps: Int

    /// - Throws: `ScheduleError.invalidParameter` for negative or non-finite values or T < 1.
    public init(from maximumValue: Double, to minimumValue: Double = 0, steps: Int) throws(ScheduleError) {
        try requireValue(maximumValue, "maximumValue", of: "CosineDecay")
        try requireValue(minimumValue, "minimumValue", of: "CosineDecay")
        try requireCount(steps, "steps", of: "CosineDecay", "≥ 1") { $0 >= 1 }
        self.maximumValue = maximumValue
        self.minimumValue = minimumValue
        self.steps = steps
    }

    public func value(atStep step: Int) -> Double {
        guard step < steps else { return minimumValue }
        return cosineAnnealing(from: maximumValue, to: minimumValue, position: max(step, 0), period: steps)
    }
}

/// η_min + ½(η_max − η_min)(1 + cos(π·position/period)), in PyTorch's order of operations.
func cosineAnnealing(from maximum: Double, to minimum: Double, position: Int, period: Int) -> Double {
    minimum + (maximum - minimum) * (1 + cos(Double.pi * Double(position) / Double(period))) / 2
}

// MARK: - Cosine annealing with warm restarts (SGDR)

/// Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017, eq. 5),
/// with PyTorch's `CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)` semantics:
///
///     η_τ = η_min + ½(η_max − η_min)(1 + cos(π·T_cur/T_i)),
///
/// where T_cur counts the steps since the last restart and the i-th period
/// lasts T_i = T₀·T_mult^i steps. At each restart the value jumps back to
/// η_max; the value η_min itself is never reached (T_cur < T_i).
public struct CosineWarmRestarts: LearningRateSchedule, Equatable {
    /// η_max ≥ 0, the value at step 0 and after each restart.
    public let maximumValue: Double
    /// η_min ≥ 0, the value the cosine approaches at the end of each period.
    public let minimumValue: Double
    /// T₀ ≥ 1, the length of the first period.
    public let firstPeriod: Int
    /// T_mult ≥ 1, the factor by which each period is longer than the one before.
    public let periodMultiplier: Int

    /// - Throws: `ScheduleError.invalidParameter` for negative values, T₀ < 1 or T_mult < 1.
    public init(
        maximumValue: Double, minimumValue: Double = 0, firstPeriod: Int, periodMultiplier: Int = 1
    ) throws(ScheduleError) {
        try requireValue(maximumValue, "maximumValue", of: "CosineWarmRestarts")
        try requireValue(minimumValue, "minimumValue", of: "CosineWarmRestarts")
        try requireCount(firstPeriod, "firstPeriod", of: "CosineWarmRestarts", "≥ 1") { $0 >= 1 }
        try requireCount(periodMultiplier, "periodMultiplier", of: "CosineWarmRestarts", "≥ 1") { $0 >= 1 }
        self.maximumValue = maximumValue
        self.minimumValue = minimumValue
        self.firstPeriod = firstPeriod
        self.periodMultiplier = periodMultiplier
    }

    /// The position in the current period and that period's length (T_cur, T_i) at `step`.
    public func position(atStep step: Int) -> (stepsSinceRestart: Int, period: Int) {
        var remaining = max(step, 0)
        guard periodMultiplier > 1 else { return (remaining % firstPeriod, firstPeriod) }
        var period = firstPeriod
        while remaining >= period {
            remaining -= period
            // Past Int.max / T_mult the period can no longer end within an `Int` step.
            guard period <= Int.max / periodMultiplier else { break }
            period *= periodMultiplier
        }
        return (remaining, period)
    }

    public func value(atStep step: Int) -> Double {
        let (position, period) = position(atStep: step)
        return cosineAnnealing(from: maximumValue, to: minimumValue, position: position, period: period)
    }
}

// MARK: - Linear warm-up

/// A linear ramp over the first W steps into another schedule, which then
/// starts from its own step 0:
///
///     η_τ = η_start + (τ/W)·(η′₀ − η_start)   for τ < W,      η_τ = η′_{τ−W}   for τ ≥ W,
///
/// where η′ is the following schedule. This is optax's
/// `join_schedules([linear_schedule(η_start, η′₀, W), η′], [W])`, the form of
/// `warmup_cosine_decay_schedule` (whose `decay_steps` counts the warm-up too:
/// a `CosineDecay` of `decay_steps − W` steps follows), and PyTorch's
/// `SequentialLR([LinearLR, …], milestones: [W])`. Goyal et al. (2017) ramp
/// from η′₀/W or so to η′₀ over about 5 epochs.
public struct LinearWarmup<Following: LearningRateSchedule>: LearningRateSchedule {
    /// W ≥ 1, the length of the ramp.
    public let steps: Int
    /// η_start ≥ 0, the value at step 0.
    public let initialValue: Double
    /// The schedule after the ramp (its step 0 is step W of the whole).
    public let following: Following

    /// - Parameters:
    ///   - steps: W ≥ 1.
    ///   - initialValue: η_start ≥ 0 (0 is common; PyTorch's `LinearLR` uses start_factor·η′₀).
    ///   - following: the schedule the ramp leads into; the ramp ends at its value at step 0.
    /// - Throws: `ScheduleError.invalidParameter` when W < 1 or η_start is negative.
    public init(steps: Int, from initialValue: Double = 0, then following: Following) throws(ScheduleError) {
        try requireCount(steps, "steps", of: "LinearWarmup", "≥ 1") { $0 >= 1 }
        try requireValue(initialValue, "initialValue", of: "LinearWarmup")
        self.steps = steps
        self.initialValue = initialValue
        self.following = following
    }

    public func value(atStep step: Int) -> Double {
        guard step >= steps else {
            let target = following.value(atStep: 0)
            return initialValue + (target - initialValue) * (Double(max(step, 0)) / Double(steps))
        }
        return following.value(atStep: step - steps)
    }
}

extension LearningRateSchedule {
    /// This schedule after a linear warm-up of `steps` steps from `initialValue`
    /// (see `LinearWarmup`); this schedule's step 0 comes after the warm-up.
    ///
    /// ```swift
    /// let schedule = try CosineDecay(from: 0.1, to: 0.001, steps: 900).withLinearWarmup(steps: 100)
    /// ```
    public func withLinearWarmup(steps: Int, from initialValue: Double = 0) throws(ScheduleError) -> LinearWarmup<Self> {
        try LinearWarmup(steps: steps, from: initialValue, then: self)
    }
}
