// Measurement: paired, interleaved timing of our API against a direct C call.
//
// Design note. Goals, in order: a fair comparison, a stable median, a bounded
// run time. Both sides run in the same process on the same data, and their
// samples alternate in ABBA order (ours, direct, direct, ours, …) so drift in
// clock speed, cache state or load from other processes hits both equally.
// Fast calls are batched so that one sample lasts about `sampleSeconds`,
// which keeps clock overhead (~20 ns) out of sub-microsecond results. A case
// stops once each side has at least `minimumRepetitions` samples and at least
// `minimumSeconds` of measured time (or `maximumRepetitions` samples): fast
// cases get hundreds of samples, the slowest (about a second a call) seven.

import BenchmarkSupport
import Glibc

/// Seconds per call, one value per sample, for both sides of a comparison.
struct PairedSamples: Sendable {
    var ours: [Double] = []
    var baseline: [Double] = []
    /// Calls timed together in one sample.
    var callsPerSample = 1

    var oursMedian: Double { median(ours) }
    var baselineMedian: Double { median(baseline) }
    /// The headline number: median(ours) / median(baseline).
    var ratioOfMedians: Double { oursMedian / baselineMedian }
    /// The ratios ours/baseline of samples taken next to each other in time.
    var pairedRatios: [Double] { zip(ours, baseline).map { $0 / $1 } }
}

// MARK: - Measuring

/// Times `ours` against `baseline`, interleaved (ABBA), after a warm-up.
func measurePair(policy: MeasurementPolicy, ours: () -> Void, baseline: () -> Void) -> PairedSamples {
    let estimate = warmUp(ours, baseline)
    var samples = PairedSamples()
    samples.callsPerSample = max(1, Int(policy.sampleSeconds / estimate))
    var oursTotal = 0.0
    var baselineTotal = 0.0
    while samples.ours.count < policy.maximumRepetitions
        && (samples.ours.count < policy.minimumRepetitions
            || oursTotal < policy.minimumSeconds || baselineTotal < policy.minimumSeconds)
    {
        let calls = samples.callsPerSample
        let oursSeconds: Double
        let baselineSeconds: Double
        if samples.ours.count % 2 == 0 {
            oursSeconds = secondsTaken(calls: calls, ours)
            baselineSeconds = secondsTaken(calls: calls, baseline)
        } else {
            baselineSeconds = secondsTaken(calls: calls, baseline)
            oursSeconds = secondsTaken(calls: calls, ours)
        }
        samples.ours.append(oursSeconds / Double(calls))
        samples.baseline.append(baselineSeconds / Double(calls))
        oursTotal += oursSeconds
        baselineTotal += baselineSeconds
    }
    return samples
}

/// Runs both bodies until they are warm and returns the slower one's estimated
/// seconds per call. The first call pays for page faults, thread start-up and
/// lazy initialization; a slow operation (over 0.25 s) is warm after it, a
/// fast one is run again, and a very fast one in a ~10 ms batch.
private func warmUp(_ first: () -> Void, _ second: () -> Void) -> Double {
    func slower(calls: Int) -> Double {
        max(secondsTaken(calls: calls, first), secondsTaken(calls: calls, second)) / Double(calls)
    }
    var estimate = slower(calls: 1)
    if estimate < 0.25 { estimate = slower(calls: 1) }
    if estimate < 0.001 { estimate = slower(calls: max(1, Int(0.01 / max(estimate, 1e-9)))) }
    return max(estimate, 1e-9)
}
