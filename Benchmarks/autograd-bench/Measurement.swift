// Measurement: interleaved timing of several computations in one case.
//
// Design note. Goals, in order: a fair comparison, a stable median, a bounded
// run time. This is linalg-bench's method (Benchmarks/linalg-bench/
// Measurement.swift; two executables cannot share code without a library
// target, so the few lines are repeated here), generalized from a pair to n
// computations: every round runs each computation once, in forward order on
// even rounds and in reverse on odd ones (ABBA for two), so drift in clock
// speed, cache state or load hits all of them alike. The headline numbers are
// ratios of medians between computations measured in the same rounds.
//
// The computations of one case differ in cost by up to ~100× (a gradient and
// 64 Hessian-vector products). Each is batched so that one sample lasts about
// as long as the slowest computation's call, capped at
// `minimumSeconds / minimumRepetitions`, so a case needs about
// `minimumRepetitions` rounds whatever the spread, and never a hundred rounds
// of the slow computation to give the fast one its minimum time.

import BenchmarkSupport
import Glibc

/// Seconds per call, one value per sample, for each computation of a case.
struct InterleavedSamples: Sendable {
    /// `seconds[i]` holds computation i's samples (seconds per call).
    var seconds: [[Double]]
    /// Calls timed together in one sample, per computation.
    var callsPerSample: [Int]

    /// The median seconds per call of computation `index`.
    func median(_ index: Int) -> Double { quantile(seconds[index], 0.5) }

    /// median(numerator) / median(denominator).
    func ratioOfMedians(_ numerator: Int, _ denominator: Int) -> Double { median(numerator) / median(denominator) }

    /// The ratios of samples of two computations taken in the same round.
    func pairedRatios(_ numerator: Int, _ denominator: Int) -> [Double] {
        zip(seconds[numerator], seconds[denominator]).map { $0 / $1 }
    }

    /// `samples × calls` of computation `index`, for the report.
    func sampleDescription(_ index: Int) -> String { "\(seconds[index].count) × \(callsPerSample[index])" }
}

// MARK: - Measuring

/// Times `bodies` interleaved (forward order, then reverse), after a warm-up.
func measureInterleaved(policy: MeasurementPolicy, _ bodies: [() -> Void]) -> InterleavedSamples {
    let estimates = bodies.map(warmUp)
    let slowest = estimates.max() ?? 0
    let sampleTarget = max(policy.sampleSeconds, min(slowest, policy.minimumSeconds / Double(policy.minimumRepetitions)))
    let calls = estimates.map { max(1, Int((sampleTarget / $0).rounded())) }
    var samples = InterleavedSamples(seconds: Array(repeating: [], count: bodies.count), callsPerSample: calls)
    var totals = Array(repeating: 0.0, count: bodies.count)
    var round = 0
    while round < policy.maximumRepetitions
        && (round < policy.minimumRepetitions || totals.contains { $0 < policy.minimumSeconds })
    {
        let order = round % 2 == 0 ? Array(bodies.indices) : bodies.indices.reversed()
        for index in order {
            let seconds = secondsTaken(calls: calls[index], bodies[index])
            samples.seconds[index].append(seconds / Double(calls[index]))
            totals[index] += seconds
        }
        round += 1
    }
    return samples
}

/// Runs `body` until it is warm and returns its estimated seconds per call.
/// The first call pays for page faults, thread start-up and lazy
/// initialization; a slow operation (over 0.25 s) is warm after it, a fast one
/// is run again, and a very fast one in a ~10 ms batch.
private func warmUp(_ body: () -> Void) -> Double {
    var estimate = secondsTaken(calls: 1, body)
    if estimate < 0.25 { estimate = secondsTaken(calls: 1, body) }
    if estimate < 0.001 {
        let calls = max(1, Int(0.01 / max(estimate, 1e-9)))
        estimate = secondsTaken(calls: calls, body) / Double(calls)
    }
    return max(estimate, 1e-9)
}
