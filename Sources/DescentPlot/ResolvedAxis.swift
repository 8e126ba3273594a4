// ResolvedAxis: an axis with its final range, ready to turn data into pixels.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An ``Axis`` with the range it will show and its mapping to a pixel interval.
struct ResolvedAxis {
    let axis: Axis
    /// The shown range in display coordinates (log₁₀ of the values on a log axis).
    let displayLower: Double
    let displayUpper: Double
    /// Whether the range is the caller's (a usable ``Axis/range``) rather than the data's.
    let hasSetRange: Bool

    var scale: AxisScale { axis.scale }

    /// Resolves `axis` against the extent of the data drawn on it.
    ///
    /// - Parameters:
    ///   - axis: the caller's axis; its range wins when the scale can show it.
    ///   - extent: the smallest and largest drawable data values, or `nil` when
    ///     nothing is drawable (the range is then 0…1, or 1…10 on a log axis).
    ///   - padding: the fraction of the span added at each end of a data range.
    ///   - includesZero: whether a linear data range is stretched to include 0
    ///     (a density axis), with no padding below 0.
    init(_ axis: Axis, extent: (lower: Double, upper: Double)?, padding: Double = 0.03, includesZero: Bool = false) {
        self.axis = axis
        let isLogarithmic = axis.scale == .logarithmic
        func display(_ value: Double) -> Double { isLogarithmic ? decimalLogarithm(value) : value }
        if let range = axis.range, range.lowerBound.isFinite, range.upperBound.isFinite,
            axis.scale == .linear || range.lowerBound > 0
        {
            var (low, high) = (display(range.lowerBound), display(range.upperBound))
            if low == high { (low, high) = Self.widened(low, scale: axis.scale) }
            (displayLower, displayUpper) = (low, high)
            hasSetRange = true
            return
        }
        hasSetRange = false
        guard var (low, high) = extent.map({ (display($0.lower), display($0.upper)) }) else {
            (displayLower, displayUpper) = (0, 1)  // 0…1, or 1…10 on a log axis
            return
        }
        let zeroFloor = includesZero && axis.scale == .linear
        if zeroFloor { (low, high) = (min(low, 0), max(high, 0)) }
        if low == high { (low, high) = Self.widened(low, scale: axis.scale) }
        let margin = (high - low) * padding
        displayLower = zeroFloor && low == 0 ? 0 : low - margin
        displayUpper = high + margin
    }

    /// A range around a single value: ±10% of it (±1 at 0), or ±½ decade.
    private static func widened(_ value: Double, scale: AxisScale) -> (Double, Double) {
        if scale == .logarithmic { return (value - 0.5, value + 0.5) }
        let half = value == 0 ? 1 : abs(value) * 0.1
        return (value - half, value + half)
    }

    /// The data value at the lower and upper end.
    var lower: Double { value(atDisplay: displayLower) }
    var upper: Double { value(atDisplay: displayUpper) }

    func value(atDisplay display: Double) -> Double {
        scale == .logarithmic ? pow(10, display) : display
    }

    /// The display coordinate of `value`, or `nil` when it cannot be drawn
    /// (not finite, or ≤ 0 on a log axis).
    func display(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear: return value
        case .logarithmic: return value > 0 ? decimalLogarithm(value) : nil
        }
    }

    /// Where `value` falls between the ends: 0 at the lower end, 1 at the upper.
    func fraction(_ value: Double) -> Double? {
        display(value).map { fraction(ofDisplay: $0) }
    }

    func fraction(ofDisplay display: Double) -> Double {
        (display - displayLower) / (displayUpper - displayLower)
    }

    /// Whether `value` lies within the shown range (with a relative tolerance of 1e−9).
    func contains(_ value: Double) -> Bool {
        guard let t = fraction(value) else { return false }
        return t >= -1e-9 && t <= 1 + 1e-9
    }

    /// The ticks to draw: the caller's values, or nice ones (at most `maximumCount`).
    func ticks(maximumCount: Int) -> AxisTicks {
        if let values = axis.tickValues {
            return AxisTicks(major: scale.labelledTicks(values.filter { contains($0) }), minor: [])
        }
        let computed = scale.ticks(from: lower, to: upper, maximumCount: maximumCount)
        return AxisTicks(major: computed.major.filter { contains($0.value) }, minor: computed.minor.filter { contains($0) })
    }
}
