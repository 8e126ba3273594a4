// PairedRatio: the two sides of a comparison timed back to back inside one
// benchmark iteration, reported as a custom package-benchmark metric.
//
// Design note. On this shared 2-CPU machine the load changes from second to
// second, so two benchmarks run one after the other (Descent, then raw) can
// differ by 2× for reasons that have nothing to do with the code. A ratio of
// two timings taken a few microseconds apart sees the same load on both sides;
// its median over many iterations is the robust figure. The order of the two
// sides alternates with the iteration, so warm caches favour neither.

import Benchmark

#if canImport(Glibc)
    import Glibc
#endif

/// The custom metric of a paired benchmark: numerator / denominator, in per mille (1000 = equal).
/// - Parameter label: what is divided by what ("Descent/raw").
/// - Returns: a metric that prefers smaller values and ignores the scaling factor.
public func ratioMetric(_ label: String) -> BenchmarkMetric {
    .custom("\(label) (‰)", polarity: .prefersSmaller, useScalingFactor: false)
}

/// Seconds on the monotonic clock.
@inline(__always)
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Times `calls` calls of each side, back to back, and returns the ratio numerator / denominator.
/// - Parameters:
///   - iteration: the benchmark's iteration number; odd iterations run the denominator first.
///   - calls: calls per side (enough that one side lasts ≫ 1 µs).
///   - numerator: the library's call.
///   - denominator: the baseline's call.
/// - Returns: time(numerator) / time(denominator).
@inline(__always)
public func pairedRatio(iteration: Int, calls: Int = 1, numerator: () throws -> Void, denominator: () throws -> Void)
    rethrows -> Double
{
    func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = monotonicSeconds()
        for _ in 0..<calls { try body() }
        return monotonicSeconds() - start
    }
    if iteration % 2 == 0 {
        let top = try timed(numerator)
        return top / (try timed(denominator))
    } else {
        let bottom = try timed(denominator)
        return (try timed(numerator)) / bottom
    }
}

/// Records `ratio` in per mille under `metric`.
public func record(_ ratio: Double, as metric: BenchmarkMetric, in benchmark: Benchmark) {
    benchmark.measurement(metric, Int((1000 * ratio).rounded()))
}
