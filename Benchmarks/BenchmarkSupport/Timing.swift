// Timing: the monotonic clock, keeping results alive, the measurement policy
// and order statistics, shared by the benchmark programs.

import Glibc

// MARK: - Clock

/// Nanoseconds on the monotonic clock (`clock_gettime(CLOCK_MONOTONIC)`).
@inlinable
public func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Seconds taken by `calls` calls of `body`.
@inlinable
public func secondsTaken(calls: Int, _ body: () -> Void) -> Double {
    let start = monotonicNanoseconds()
    for _ in 0..<calls { body() }
    return Double(monotonicNanoseconds() - start) * 1e-9
}

// MARK: - Keeping results alive

/// Every consumed result is folded in here and printed at the end, so the
/// optimizer cannot prove a computed value unused and delete the work.
nonisolated(unsafe) private var consumedChecksum: Double = 0

/// Marks `value` as used.
@inline(never)
public func blackHole<Scalar: BinaryFloatingPoint>(_ value: Scalar) {
    consumedChecksum += Double(value)
}

/// The running sum of everything passed to ``blackHole(_:)``.
public func checksumOfConsumedResults() -> Double { consumedChecksum }

// MARK: - Policy and samples

/// How long and how often each case is measured.
public struct MeasurementPolicy: Sendable {
    public init() {}

    /// Fewest samples per side.
    public var minimumRepetitions = 7
    /// Least measured time per side, in seconds.
    public var minimumSeconds = 0.3
    /// Target duration of one sample; faster calls are batched up to it.
    public var sampleSeconds = 0.002
    /// Most samples per side, whatever the other limits say.
    public var maximumRepetitions = 400
}

// MARK: - Statistics

public func median(_ values: [Double]) -> Double { quantile(values, 0.5) }

/// The `q`-quantile with linear interpolation between order statistics; NaN when empty.
public func quantile(_ values: [Double], _ q: Double) -> Double {
    if values.isEmpty { return .nan }
    let sorted = values.sorted()
    let position = q * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
}
