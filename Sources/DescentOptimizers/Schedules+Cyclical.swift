// Cyclical schedules: Smith's triangular cycles and the one-cycle policy, with
// PyTorch's CyclicLR and OneCycleLR semantics (the step counts, the phase
// boundaries and the order of operations, so values agree to rounding).
//
// Sources: Smith, "Cyclical Learning Rates for Training Neural Networks",
// WACV 2017; Smith & Topin, "Super-Convergence", 2018 (one cycle); Smith 2018,
// "A disciplined approach to neural network hyper-parameters" (momentum cycled
// opposite to the rate).

import Foundation

// MARK: - Cyclical (triangular) schedule

/// Smith's cyclical schedule, PyTorch's `CyclicLR`: the value climbs linearly
/// from `lower` to `upper` over `stepsUp` steps, falls back over `stepsDown`,
/// and repeats, with the amplitude scaled by the policy:
///
///     cycle = ⌊1 + τ/(u + d)⌋,   x = 1 + τ/(u + d) − cycle ∈ [0, 1),
///     h = x/r for x ≤ r, (x − 1)/(r − 1) otherwise   (r = u/(u + d)),
///     η_τ = lower + (upper − lower)·h·scale,
///
/// with scale = 1 (`triangular`), 1/2^{cycle−1} (`triangular2`, the
/// amplitude halves each cycle) or γ^τ (`exponentialRange`).
///
/// For momentum cycled opposite to the rate (Smith 2018; PyTorch's
/// `cycle_momentum`), use `momentum(maximum:minimum:…)`: it starts at the
/// maximum and dips to the minimum where the rate peaks.
public struct CyclicalSchedule: LearningRateSchedule, Equatable {
    /// How the amplitude changes from cycle to cycle.
    public enum Policy: Equatable, Sendable {
        /// Constant amplitude.
        case triangular
        /// The amplitude halves after each cycle.
        case triangular2
        /// The amplitude is multiplied by γ ∈ (0, 1] at every step (γ^τ).
        case exponentialRange(gamma: Double)
    }

    /// The value at the start of each cycle (PyTorch's `base_lr`), finite and ≥ 0.
    public let lower: Double
    /// The value at the peak of the first cycle (`max_lr`), finite and ≥ 0;
    /// may be below `lower` (the momentum form).
    public let upper: Double
    /// u ≥ 1, the steps from `lower` to `upper`.
    public let stepsUp: Int
    /// d ≥ 1, the steps back (PyTorch's default is u).
    public let stepsDown: Int
    /// The amplitude policy.
    public let policy: Policy

    /// - Throws: `ScheduleError.invalidParameter` for negative values, u < 1, d < 1 or γ ∉ (0, 1].
    public init(
        lower: Double, upper: Double, stepsUp: Int, stepsDown: Int? = nil, policy: Policy = .triangular
    ) throws(ScheduleError) {
        try requireValue(lower, "lower", of: "CyclicalSchedule")
        try requireValue(upper, "upper", of: "CyclicalSchedule")
        try requireCount(stepsUp, "stepsUp", of: "CyclicalSchedule", "≥ 1") { $0 >= 1 }
        try requireCount(stepsDown ?? stepsUp, "stepsDown", of: "CyclicalSchedule", "≥ 1") { $0 >= 1 }
        if case .exponentialRange(let gamma) = policy {
            try requireParameter(gamma, "gamma", of: "CyclicalSchedule", "in (0, 1]") { $0 > 0 && $0 <= 1 }
        }
        self.lower = lower
        self.upper = upper
        self.stepsUp = stepsUp
        self.stepsDown = stepsDown ?? stepsUp
        self.policy = policy
    }

    /// The momentum (or β₁) schedule PyTorch's `CyclicLR` runs beside the rate:
    /// `maximum` at the start of each cycle, `minimum` where the rate peaks.
    /// Use the rate schedule's `stepsUp`, `stepsDown` and `policy`.
    public static func momentum(
        maximum: Double = 0.9, minimum: Double = 0.8, stepsUp: Int, stepsDown: Int? = nil, policy: Policy = .triangular
    ) throws(ScheduleError) -> CyclicalSchedule {
        try CyclicalSchedule(lower: maximum, upper: minimum, stepsUp: stepsUp, stepsDown: stepsDown, policy: policy)
    }

    public func value(atStep step: Int) -> Double {
        let step = Double(max(step, 0))
        let totalSize = Double(stepsUp + stepsDown)
        let stepRatio = Double(stepsUp) / totalSize
        let cycle = (1 + step / totalSize).rounded(.down)
        let x = 1 + step / totalSize - cycle
        let height = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1)
        let scale: Double =
            switch policy {
            case .triangular: 1
            case .triangular2: 1 / pow(2, cycle - 1)
            case .exponentialRange(let gamma): pow(gamma, step)
            }
        // PyTorch's order: base + ((max − base)·h)·scale. With lower and upper
        // swapped this is bit-for-bit its max_momentum − ((max − base)·h)·scale.
        return lower + (upper - lower) * height * scale
    }
}

// MARK: - One cycle

/// The one-cycle policy (Smith & Topin 2018) with PyTorch's `OneCycleLR`
/// semantics, over `totalSteps` updates numbered 0 … N − 1:
///
/// - two phases: `initial → peak` over steps 0 … pN − 1, then `peak → final`
///   up to step N − 1;
/// - three phases: `initial → peak` up to pN − 1, `peak → initial` up to
///   2pN − 2, then `initial → final` up to N − 1;
///
/// each interpolated by cosine, a + (b − a)·½(1 − cos πf) — written as
/// b + ½(a − b)(1 + cos πf) — or linearly, a + (b − a)·f, where f is the
/// fraction of the phase done and p is `warmupFraction` (PyTorch's
/// `pct_start`). For the rate, `initial = peak/divisionFactor` and
/// `final = initial/finalDivisionFactor`. After step N − 1 the value stays
/// `final` (PyTorch raises an error instead).
///
/// For the momentum PyTorch cycles beside the rate, use
/// `momentum(maximum:minimum:…)`.
public struct OneCycleSchedule: LearningRateSchedule, Equatable {
    /// How each phase moves between its end values.
    public enum Annealing: String, Sendable, CaseIterable {
        /// Half a cosine period (PyTorch's `"cos"`, the default).
        case cosine
        /// A straight line (`"linear"`).
        case linear
    }

    /// N ≥ 2, the number of updates the cycle spans.
    public let totalSteps: Int
    /// The value at step 0.
    public let initialValue: Double
    /// The value at the end of the first phase.
    public let peakValue: Double
    /// The value at step N − 1 and after.
    public let finalValue: Double
    /// p ∈ (0, 1), the fraction of the steps spent in the first phase.
    public let warmupFraction: Double
    /// Cosine or linear interpolation.
    public let annealing: Annealing
    /// Whether a middle phase returns to `initialValue` before the final descent.
    public let threePhase: Bool

    /// The end step of each phase (PyTorch's `end_step`; the next phase starts there).
    let phaseEnds: [Double]

    /// A one-cycle schedule between explicit end values (any hyperparameter).
    ///
    /// - Throws: `ScheduleError.invalidParameter` for negative values, N < 2,
    ///   p ∉ (0, 1), or a phase shorter than one step (pN ≤ 1, or in
    ///   three-phase form 2pN − 2 ≥ N − 1).
    public init(
        totalSteps: Int, initialValue: Double, peakValue: Double, finalValue: Double, warmupFraction: Double = 0.3,
        annealing: Annealing = .cosine, threePhase: Bool = false
    ) throws(ScheduleError) {
        let name = "OneCycleSchedule"
        try requireValue(initialValue, "initialValue", of: name)
        try requireValue(peakValue, "peakValue", of: name)
        try requireValue(finalValue, "finalValue", of: name)
        try requireCount(totalSteps, "totalSteps", of: name, "≥ 2") { $0 >= 2 }
        try requireParameter(warmupFraction, "warmupFraction", of: name, "in (0, 1)") { $0 > 0 && $0 < 1 }
        let warmupEnd = warmupFraction * Double(totalSteps) - 1
        let last = Double(totalSteps - 1)
        let ends = threePhase ? [warmupEnd, 2 * warmupFraction * Double(totalSteps) - 2, last] : [warmupEnd, last]
        var start = 0.0
        for end in ends {
            guard end > start else {
                throw .invalidParameter(
                    schedule: name, name: "warmupFraction", value: warmupFraction,
                    requirement: "such that every phase lasts more than one step (\(totalSteps) steps in total)")
            }
            start = end
        }
        self.totalSteps = totalSteps
        self.initialValue = initialValue
        self.peakValue = peakValue
        self.finalValue = finalValue
        self.warmupFraction = warmupFraction
        self.annealing = annealing
        self.threePhase = threePhase
        self.phaseEnds = ends
    }

    /// PyTorch's `OneCycleLR(max_lr, total_steps, pct_start, anneal_strategy,
    /// div_factor, final_div_factor, three_phase)` learning rate.
    ///
    /// - Parameters:
    ///   - maximumValue: the peak rate η_max > 0.
    ///   - totalSteps: N ≥ 2 (PyTorch's `total_steps`).
    ///   - warmupFraction: p ∈ (0, 1) (`pct_start`, default 0.3).
    ///   - annealing: `.cosine` (default) or `.linear` (`anneal_strategy`).
    ///   - divisionFactor: η_max/η_initial > 0 (PyTorch's `div_factor`, default 25).
    ///   - finalDivisionFactor: η_initial/η_final > 0 (`final_div_factor`, default 10⁴).
    ///   - threePhase: PyTorch's `three_phase`.
    /// - Throws: `ScheduleError.invalidParameter` as the general initializer, or for a non-positive factor.
    public init(
        maximumValue: Double, totalSteps: Int, warmupFraction: Double = 0.3, annealing: Annealing = .cosine,
        divisionFactor: Double = 25, finalDivisionFactor: Double = 1e4, threePhase: Bool = false
    ) throws(ScheduleError) {
        try requireParameter(divisionFactor, "divisionFactor", of: "OneCycleSchedule", "> 0") { $0 > 0 }
        try requireParameter(finalDivisionFactor, "finalDivisionFactor", of: "OneCycleSchedule", "> 0") { $0 > 0 }
        let initial = maximumValue / divisionFactor
        try self.init(
            totalSteps: totalSteps, initialValue: initial, peakValue: maximumValue,
            finalValue: initial / finalDivisionFactor, warmupFraction: warmupFraction, annealing: annealing,
            threePhase: threePhase)
    }

    /// The momentum (or β₁) PyTorch's `OneCycleLR` runs beside the rate:
    /// `maximum` at the start, `minimum` at the rate's peak, back to `maximum`
    /// (its `max_momentum` and `base_momentum`, defaults 0.95 and 0.85).
    public static func momentum(
        maximum: Double = 0.95, minimum: Double = 0.85, totalSteps: Int, warmupFraction: Double = 0.3,
        annealing: Annealing = .cosine, threePhase: Bool = false
    ) throws(ScheduleError) -> OneCycleSchedule {
        try OneCycleSchedule(
            totalSteps: totalSteps, initialValue: maximum, peakValue: minimum, finalValue: maximum,
            warmupFraction: warmupFraction, annealing: annealing, threePhase: threePhase)
    }

    public func value(atStep step: Int) -> Double {
        guard step < totalSteps else { return finalValue }
        let step = Double(max(step, 0))
        let starts = threePhase ? [initialValue, peakValue, initialValue] : [initialValue, peakValue]
        let ends = threePhase ? [peakValue, initialValue, finalValue] : [peakValue, finalValue]
        var phaseStart = 0.0
        for phase in phaseEnds.indices {
            let phaseEnd = phaseEnds[phase]
            if step <= phaseEnd || phase == phaseEnds.count - 1 {
                let fraction = (step - phaseStart) / (phaseEnd - phaseStart)
                return anneal(from: starts[phase], to: ends[phase], fraction: fraction)
            }
            phaseStart = phaseEnd
        }
        return finalValue
    }

    /// PyTorch's `_annealing_cos` and `_annealing_linear`, in their order of operations.
    private func anneal(from start: Double, to end: Double, fraction: Double) -> Double {
        switch annealing {
        case .cosine: end + (start - end) / 2 * (cos(Double.pi * fraction) + 1)
        case .linear: (end - start) * fraction + start
        }
    }
}
