// Axes: linear and base-10 logarithmic scales, and the "nice" ticks on them.
//
// Design note. Goals, in order: (1) ticks at round numbers a reader can
// interpolate between — 1, 2 or 5 times a power of ten on a linear axis, whole
// decades on a log axis; (2) few enough ticks that their labels never overlap
// (the layout asks for fewer until they fit); (3) labels as short as the
// numbers allow, with a true minus sign: `0.25`, `−3`, `2e5`, `1e−6`.
// Source: Heckbert, "Nice numbers for graph labels", Graphics Gems (1990).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How data values map to positions along an axis.
public enum AxisScale: Sendable, Hashable {
    /// Positions proportional to the values.
    case linear
    /// Positions proportional to log₁₀ of the values; values ≤ 0 cannot be shown and are skipped.
    case logarithmic
}

/// One labelled tick: a value on the axis and the text written beside it.
public struct AxisTick: Sendable, Hashable {
    /// The data value at the tick.
    public let value: Double
    /// The label, e.g. `0.5`, `−2`, `1e−6`.
    public let label: String

    /// A tick at `value` labelled `label`.
    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}

/// The ticks of an axis: labelled major ticks, and unlabelled minor ones.
public struct AxisTicks: Sendable, Hashable {
    /// Labelled ticks, ascending.
    public let major: [AxisTick]
    /// Unlabelled positions between the major ticks (2, 3, …, 9 times a power of
    /// ten on a log axis), ascending; empty on a linear axis.
    public let minor: [Double]
}

/// One axis of a chart: its label, scale and (optionally) range and ticks.
public struct Axis: Sendable, Hashable {
    /// The text under (x) or beside (y) the axis; empty for none.
    public var label: String
    /// Linear or base-10 logarithmic.
    public var scale: AxisScale
    /// The range shown. `nil` takes it from the data, widened by 3% of its span
    /// at each end (on a log axis, 3% of its span in decades). A range the scale
    /// cannot show — a non-finite bound, or a bound ≤ 0 on a log axis — is
    /// ignored as if it were `nil`. Data outside the range is clipped.
    public var range: ClosedRange<Double>?
    /// Values for the labelled ticks instead of computed ones (those outside the
    /// range, and non-finite ones, are dropped); `nil` computes "nice" ticks.
    public var tickValues: [Double]?

    /// An axis.
    /// - Parameters:
    ///   - label: the axis title; empty for none.
    ///   - scale: ``AxisScale/linear`` (default) or ``AxisScale/logarithmic``.
    ///   - range: the range shown; `nil` (default) fits the data.
    ///   - tickValues: labelled tick values; `nil` (default) computes them.
    public init(label: String = "", scale: AxisScale = .linear, range: ClosedRange<Double>? = nil, tickValues: [Double]? = nil) {
        self.label = label
        self.scale = scale
        self.range = range
        self.tickValues = tickValues
    }
}

// MARK: - Ticks

extension AxisScale {
    /// Round-numbered ticks between `lower` and `upper` (inclusive), at most `maximumCount` of them.
    ///
    /// Linear: multiples of the smallest step 1, 2 or 5 × 10ᵏ that gives at most
    /// `maximumCount` ticks; 0 to 300 gives 0, 50, …, 300. Logarithmic: the powers
    /// of ten in the range, every decade when they fit (1e−6 to 1 gives the seven
    /// decades 1e−6, 1e−5, …, 0.1, 1, with minor ticks at 2…9 × 10ᵏ) and every 2nd,
    /// 3rd, 5th, 10th, … decade otherwise; when the range holds just two powers of
    /// ten (and `maximumCount` ≥ 6), 2 × 10ᵏ and 5 × 10ᵏ are labelled too; a log
    /// range that holds fewer than two powers of ten gets linear ticks (placed
    /// logarithmically).
    ///
    /// Labels use a true minus sign (U+2212) and are plain for 0.001 ≤ |v| < 10⁵
    /// (`0.25`, `−3`, `1000`), scientific otherwise (`2e5`, `1e−6`).
    ///
    /// - Parameters:
    ///   - lower: one end of the range; the ends may come in either order.
    ///   - upper: the other end.
    ///   - maximumCount: the most labelled ticks wanted; values below 2 count as 2.
    /// - Returns: the ticks, ascending. Empty when an end is not finite, or (log
    ///   scale) not > 0; a single tick when the two ends are equal.
    public func ticks(from lower: Double, to upper: Double, maximumCount: Int = 8) -> AxisTicks {
        let (low, high) = (min(lower, upper), max(lower, upper))
        guard low.isFinite && high.isFinite, self == .linear || low > 0 else { return AxisTicks(major: [], minor: []) }
        let count = max(maximumCount, 2)
        switch self {
        case .linear: return AxisTicks(major: linearTicks(low, high, count), minor: [])
        case .logarithmic: return logarithmicTicks(low, high, count)
        }
    }

    /// Labels for given tick values, formatted as ``ticks(from:to:maximumCount:)`` formats its own.
    func labelledTicks(_ values: [Double]) -> [AxisTick] {
        let sorted = values.filter { $0.isFinite && (self == .linear || $0 > 0) }.sorted()
        guard sorted.count > 1 else { return sorted.map { AxisTick(value: $0, label: shortLabel($0)) } }
        let smallestGap = zip(sorted, sorted.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }.min() ?? 1
        if self == .logarithmic && sorted.allSatisfy({ isPowerOfTen($0) }) {
            return sorted.map { AxisTick(value: $0, label: decadeLabel(Int(decimalLogarithm($0).rounded()))) }
        }
        let exponent = Int(decimalLogarithm(smallestGap).rounded(.down))
        return labels(for: sorted, stepExponent: exponent)
    }
}

private func linearTicks(_ low: Double, _ high: Double, _ maximumCount: Int) -> [AxisTick] {
    let span = high - low
    if span == 0 { return [AxisTick(value: low, label: shortLabel(low))] }
    var exponent = Int(decimalLogarithm(span / Double(maximumCount)).rounded(.down))
    while true {
        for multiplier in [1, 2, 5] {
            let step = Double(multiplier) * powerOfTen(exponent)
            let first = (low / step - 1e-9).rounded(.up), last = (high / step + 1e-9).rounded(.down)
            guard abs(first) < 1e15 && abs(last) < 1e15 else {
                return [low, high].map { AxisTick(value: $0, label: shortLabel($0)) }
            }
            if last - first + 1 <= Double(maximumCount) {
                let values = stride(from: Int(first), through: Int(last), by: 1).map { k in
                    // k·m / 10^−e is correctly rounded where k·m·10^e would not be (3·0.1 ≠ 0.3).
                    exponent < 0 ? Double(k * multiplier) / powerOfTen(-exponent) : Double(k * multiplier) * powerOfTen(exponent)
                }
                return labels(for: values, stepExponent: exponent)
            }
        }
        exponent += 1
    }
}

private func logarithmicTicks(_ low: Double, _ high: Double, _ maximumCount: Int) -> AxisTicks {
    let lowExponent = decimalLogarithm(low), highExponent = decimalLogarithm(high)
    let firstDecade = Int((lowExponent - 1e-9).rounded(.up)), lastDecade = Int((highExponent + 1e-9).rounded(.down))
    let decades = lastDecade - firstDecade + 1
    guard decades >= 2 else {
        let major = linearTicks(low, high, maximumCount).filter { $0.value > 0 }
        return AxisTicks(major: major, minor: [])
    }
    // Decade steps 1, 2, 3, 5, 10, 20, 25, 50, 100, …: the first that fits.
    var step = 1
    for candidate in [1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000] {
        step = candidate
        let first = ceilDivision(firstDecade, candidate), last = floorDivision(lastDecade, candidate)
        if last - first + 1 <= maximumCount { break }
    }
    let exponents = (firstDecade...lastDecade).filter { $0 % step == 0 }
    var major = exponents.map { AxisTick(value: powerOfTen($0), label: decadeLabel($0)) }
    if decades <= 2 && maximumCount >= 6 {
        // Two decade labels are too few to read a value off: label 2 × 10ᵏ and 5 × 10ᵏ too.
        var extra: [Double] = []
        for decade in (firstDecade - 1)...lastDecade {
            for multiplier in [2.0, 5.0] {
                let value = decade < 0 ? multiplier / powerOfTen(-decade) : multiplier * powerOfTen(decade)
                if value >= low * (1 - 1e-12) && value <= high * (1 + 1e-12) { extra.append(value) }
            }
        }
        major = (major + labels(for: extra, stepExponent: firstDecade - 1, decadeStyle: true)).sorted { $0.value < $1.value }
    }
    var minor: [Double] = []
    if step == 1 && decades <= 9 {
        for decade in (firstDecade - 1)...lastDecade {
            for multiplier in 2...9 {
                let value = decade < 0 ? Double(multiplier) / powerOfTen(-decade) : Double(multiplier) * powerOfTen(decade)
                let isLabelled = major.contains { $0.value == value }
                if !isLabelled && value >= low * (1 - 1e-12) && value <= high * (1 + 1e-12) { minor.append(value) }
            }
        }
    } else if step > 1 && decades <= 100 {
        minor = (firstDecade...lastDecade).filter { $0 % step != 0 }.map(powerOfTen)
    }
    return AxisTicks(major: major, minor: minor)
}

// MARK: - Labels

/// Labels for ticks spaced 10^stepExponent apart (or 2 or 5 times that). With
/// `decadeStyle`, each value is written as a log axis writes its decades: plain
/// for 0.001 ≤ v < 10⁵, scientific otherwise, whatever the other values.
private func labels(for values: [Double], stepExponent: Int, decadeStyle: Bool = false) -> [AxisTick] {
    if decadeStyle {
        return values.map { value in
            let exponent = Int(decimalLogarithm(value).rounded(.down))
            let scientific = value >= 1e5 || value < 1e-3
            return AxisTick(
                value: value,
                label: scientific
                    ? scientificLabel(value, stepExponent: exponent) : plainLabel(value, decimals: max(0, -exponent)))
        }
    }
    let largest = values.map(abs).max() ?? 0
    let scientific = largest >= 1e5 || (largest > 0 && largest < 1e-3)
    return values.map { value in
        AxisTick(
            value: value,
            label: scientific
                ? scientificLabel(value, stepExponent: stepExponent) : plainLabel(value, decimals: max(0, -stepExponent)))
    }
}

/// The label of one value with no step to align to.
private func shortLabel(_ value: Double) -> String {
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1e5 || magnitude < 1e-3 {
        return scientificLabel(value, stepExponent: Int(decimalLogarithm(magnitude).rounded(.down)) - 3)
    }
    return plainLabel(value, decimals: max(0, 3 - Int(decimalLogarithm(magnitude).rounded(.down))))
}

/// `value` with `decimals` decimals, trailing zeros removed, true minus sign.
private func plainLabel(_ value: Double, decimals: Int) -> String {
    let places = min(decimals, 15)
    let scaled = (value * powerOfTen(places)).rounded()
    guard abs(scaled) < 9e18 else { return scientificLabel(value, stepExponent: 0) }
    return withMinusSign(fixed(Int(scaled), decimals: places))
}

/// `m e k`, e.g. `2.5e5`, `1e−6`, with as many mantissa digits as the step needs (at most 6).
private func scientificLabel(_ value: Double, stepExponent: Int) -> String {
    if value == 0 { return "0" }
    var exponent = Int(decimalLogarithm(abs(value)).rounded(.down))
    let digits = min(max(exponent - stepExponent, 0), 6)
    var units = (value / powerOfTen(exponent) * powerOfTen(digits)).rounded()
    if abs(units) >= 10 * powerOfTen(digits) {  // 9.99… rounded up to 10
        exponent += 1
        units = (units / 10).rounded()
    }
    return withMinusSign(fixed(Int(units), decimals: digits)) + "e" + withMinusSign(String(exponent))
}

/// 10ᵏ written plainly for −3 ≤ k ≤ 4 (`0.001`, `1`, `10000`), as `1ek` otherwise.
private func decadeLabel(_ exponent: Int) -> String {
    switch exponent {
    case 0...4: "1" + String(repeating: "0", count: exponent)
    case -3..<0: "0." + String(repeating: "0", count: -exponent - 1) + "1"
    default: "1e" + withMinusSign(String(exponent))
    }
}

private func withMinusSign(_ text: String) -> String {
    text.hasPrefix("-") ? "\u{2212}" + text.dropFirst() : text
}

// MARK: - Arithmetic helpers

/// 10ᵏ, correctly rounded (parsed, as a literal would be).
func powerOfTen(_ exponent: Int) -> Double {
    Double("1e\(exponent)") ?? (exponent < 0 ? 0 : .infinity)
}

/// log₁₀ of `value`, exactly k at the double nearest 10ᵏ (where the C library may be off by an ulp).
func decimalLogarithm(_ value: Double) -> Double {
    let estimate = log10(value)
    let rounded = estimate.rounded()
    return abs(estimate - rounded) < 1e-9 && abs(rounded) < 400 && powerOfTen(Int(rounded)) == value ? rounded : estimate
}

private func isPowerOfTen(_ value: Double) -> Bool {
    let exponent = decimalLogarithm(value).rounded()
    return exponent.isFinite && abs(exponent) < 400 && powerOfTen(Int(exponent)) == value
}

private func ceilDivision(_ a: Int, _ b: Int) -> Int { -floorDivision(-a, b) }
private func floorDivision(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
