// Reduce a hyperparameter when a monitored metric stops improving: the one
// schedule driven by a metric rather than by the step, and so the one with
// state of its own (saved with the optimizer in a checkpoint).
//
// Semantics: PyTorch's ReduceLROnPlateau exactly (relative and absolute
// thresholds, patience counted in bad records, cooldown, floor, and the
// minimum change below which a reduction is skipped); Keras's
// ReduceLROnPlateau differs in details listed in Schedules.md.

/// Multiplies a value by `factor` once a metric has not improved for more than
/// `patience` records (PyTorch's `ReduceLROnPlateau`).
///
/// Each `record(_:)` compares the metric with the best so far. In `.minimize`
/// mode with a relative threshold θ, a metric m improves on the best b when
/// m < b·(1 − θ); with an absolute threshold when m < b − θ (`.maximize`:
/// m > b·(1 + θ) or m > b + θ). A metric that does not improve is a bad
/// record; after more than `patience` bad records in a row the value becomes
/// max(value·factor, minimumValue) — skipped if that changes it by no more
/// than `minimumChange` — and the next `cooldown` records are not counted.
/// A NaN metric never improves (it counts as bad).
///
/// ```swift
/// var plateau = try ReduceOnPlateau(initialValue: 0.1, factor: 0.5, patience: 2)
/// if plateau.record(validationLoss) {
///     try optimizer.setValue(plateau.value, for: .learningRate)
/// }
/// ```
///
/// With `initialValue: 1`, `value` is a multiplier: set it as a factor of a
/// `Scheduled` optimizer (`scheduled.factors[.learningRate] = plateau.value`)
/// to shrink a schedule.
public struct ReduceOnPlateau: Codable, Equatable, Sendable {
    /// Whether smaller or larger metrics are better.
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Losses: smaller is better (PyTorch's `"min"`).
        case minimize
        /// Accuracies: larger is better (`"max"`).
        case maximize
    }

    /// How the improvement threshold is measured.
    public enum ThresholdMode: String, Codable, Sendable, CaseIterable {
        /// Relative to the best metric (PyTorch's `"rel"`).
        case relative
        /// In the metric's own units (`"abs"`).
        case absolute
    }

    // MARK: Configuration

    /// The value before any reduction, finite and ≥ 0.
    public let initialValue: Double
    /// Minimize or maximize the metric.
    public let mode: Mode
    /// The multiplier of each reduction, in [0, 1).
    public let factor: Double
    /// Bad records tolerated before a reduction, ≥ 0.
    public let patience: Int
    /// θ ≥ 0, the improvement a metric needs to count as better.
    public let threshold: Double
    /// Whether θ is relative or absolute.
    public let thresholdMode: ThresholdMode
    /// Records ignored after a reduction, ≥ 0.
    public let cooldown: Int
    /// The floor of the value, finite and ≥ 0.
    public let minimumValue: Double
    /// A reduction changing the value by no more than this is skipped (PyTorch's `eps`, ≥ 0).
    public let minimumChange: Double

    // MARK: State

    /// The current value.
    public private(set) var value: Double
    /// The best metric so far, `nil` before the first record.
    public private(set) var best: Double?
    /// Bad records since the last improvement (or reduction).
    public private(set) var badRecords = 0
    /// Records left in the current cooldown.
    public private(set) var cooldownRemaining = 0
    /// The number of reductions that changed the value.
    public private(set) var reductions = 0
    /// The number of metrics recorded.
    public private(set) var recordCount = 0

    /// `value / initialValue`, the product of the reductions so far (1 when `initialValue` is 0).
    public var multiplier: Double { initialValue == 0 ? 1 : value / initialValue }

    /// - Parameters:
    ///   - initialValue: the value before any reduction (1 to use `value` as a multiplier).
    ///   - mode: `.minimize` (default) or `.maximize`.
    ///   - factor: the multiplier per reduction, in [0, 1) (PyTorch's default 0.1).
    ///   - patience: bad records tolerated, ≥ 0 (PyTorch's default 10).
    ///   - threshold: θ ≥ 0 (default 10⁻⁴).
    ///   - thresholdMode: `.relative` (default) or `.absolute`.
    ///   - cooldown: records ignored after a reduction, ≥ 0.
    ///   - minimumValue: the floor, ≥ 0.
    ///   - minimumChange: smallest change applied, ≥ 0 (default 10⁻⁸).
    /// - Throws: `ScheduleError.invalidParameter` for values out of range.
    public init(
        initialValue: Double = 1, mode: Mode = .minimize, factor: Double = 0.1, patience: Int = 10,
        threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
        minimumValue: Double = 0, minimumChange: Double = 1e-8
    ) throws(ScheduleError) {
        self.initialValue = initialValue
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumValue = minimumValue
        self.minimumChange = minimumChange
        self.value = initialValue
        try validate()
    }

    /// Checks every field (also after decoding, where a file may hold anything).
    private func validate() throws(ScheduleError) {
        let name = "ReduceOnPlateau"
        try requireValue(initialValue, "initialValue", of: name)
        try requireParameter(factor, "factor", of: name, "in [0, 1)") { $0 >= 0 && $0 < 1 }
        try requireCount(patience, "patience", of: name, "≥ 0") { $0 >= 0 }
        try requireParameter(threshold, "threshold", of: name, "finite and ≥ 0") { $0 >= 0 }
        try requireCount(cooldown, "cooldown", of: name, "≥ 0") { $0 >= 0 }
        try requireValue(minimumValue, "minimumValue", of: name)
        try requireParameter(minimumChange, "minimumChange", of: name, "finite and ≥ 0") { $0 >= 0 }
        try requireValue(value, "value", of: name)
        try requireCount(badRecords, "badRecords", of: name, "≥ 0") { $0 >= 0 }
        try requireCount(cooldownRemaining, "cooldownRemaining", of: name, "≥ 0") { $0 >= 0 }
        if let best, best.isNaN {
            throw .invalidParameter(schedule: name, name: "best", value: best, requirement: "a number or absent")
        }
    }

    // MARK: - Recording

    /// Records a metric and reduces the value if it has stalled.
    ///
    /// - Returns: `true` when the value changed (a reduction that the floor or
    ///   `minimumChange` turned into no change returns `false`, though it
    ///   still resets the count and starts the cooldown, as in PyTorch).
    @discardableResult
    public mutating func record(_ metric: Double) -> Bool {
        recordCount += 1
        if isImprovement(metric) {
            best = metric
            badRecords = 0
        } else {
            badRecords += 1
        }
        if cooldownRemaining > 0 {
            cooldownRemaining -= 1
            badRecords = 0
        }
        guard badRecords > patience else { return false }
        cooldownRemaining = cooldown
        badRecords = 0
        let reduced = max(value * factor, minimumValue)
        guard value - reduced > minimumChange else { return false }
        value = reduced
        reductions += 1
        return true
    }

    /// Whether `metric` beats the best so far by the threshold (any number beats no record yet; NaN never does).
    public func isImprovement(_ metric: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.minimize, .relative): metric < (best ?? .infinity) * (1 - threshold)
        case (.minimize, .absolute): metric < (best ?? .infinity) - threshold
        case (.maximize, .relative): metric > (best ?? -.infinity) * (1 + threshold)
        case (.maximize, .absolute): metric > (best ?? -.infinity) + threshold
        }
    }

    // MARK: - Codable

    private enum CodingKeys: String, CodingKey {
        case initialValue, mode, factor, patience, threshold, thresholdMode, cooldown, minimumValue, minimumChange
        case value, best, badRecords, cooldownRemaining, reductions, recordCount
    }

    /// Decodes a saved state.
    /// - Throws: `DecodingError.dataCorrupted` when a field is out of range.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        initialValue = try container.decode(Double.self, forKey: .initialValue)
        mode = try container.decode(Mode.self, forKey: .mode)
        factor = try container.decode(Double.self, forKey: .factor)
        patience = try container.decode(Int.self, forKey: .patience)
        threshold = try container.decode(Double.self, forKey: .threshold)
        thresholdMode = try container.decode(ThresholdMode.self, forKey: .thresholdMode)
        cooldown = try container.decode(Int.self, forKey: .cooldown)
        minimumValue = try container.decode(Double.self, forKey: .minimumValue)
        minimumChange = try container.decode(Double.self, forKey: .minimumChange)
        value = try container.decode(Double.self, forKey: .value)
        best = try container.decodeIfPresent(Double.self, forKey: .best)
        badRecords = try container.decode(Int.self, forKey: .badRecords)
        cooldownRemaining = try container.decode(Int.self, forKey: .cooldownRemaining)
        reductions = try container.decode(Int.self, forKey: .reductions)
        recordCount = try container.decode(Int.self, forKey: .recordCount)
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }
}
