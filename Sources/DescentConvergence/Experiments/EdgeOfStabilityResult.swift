// EdgeOfStabilityResult: what an edge-of-stability run measured, and the
// statistics THEORY.md §7 checks (first crossing of the threshold, S/(2/η)
// once settled, how often the loss rises before and after the crossing).

import DescentLinalg

/// One sharpness measurement: S = λmax(∇²L) of the full training loss at a step.
public struct SharpnessMeasurement: Sendable, Hashable, Codable {
    /// The step t (0 = the initial parameters); S is measured at θ_t, before the t-th update.
    public var step: Int
    /// S(θ_t).
    public var value: Double
    /// Lanczos's residual bound ‖Hy − Sy‖: an eigenvalue of the Hessian lies within it of S.
    public var residualBound: Double
    /// The Hessian-vector products the measurement took (warm starts keep it small).
    public var products: Int

    public init(step: Int, value: Double, residualBound: Double, products: Int) {
        self.step = step
        self.value = value
        self.residualBound = residualBound
        self.products = products
    }
}

/// The measurements of an ``EdgeOfStabilityExperiment`` run.
public struct EdgeOfStabilityResult: Sendable {
    /// The configuration that produced the result.
    public let configuration: EdgeOfStabilityExperiment.Configuration
    /// L(θ_t) for t = 0…steps (steps + 1 values).
    public let losses: [Double]
    /// The training accuracy at θ_t for t = 0…steps, in [0, 1].
    public let accuracies: [Double]
    /// S(θ_t) at t = 0, k, 2k, … and at the last step (k = the sharpness interval).
    public let sharpness: [SharpnessMeasurement]
    /// θ at the last step, in the model's parameter order (`Sequential.parameters`:
    /// each Dense layer's weight, outputs × inputs, then its 1×outputs bias), for
    /// further analysis (`updateParameterValues` on a model of the same shape).
    public let finalParameters: [Matrix<Double>]

    /// A result from its parts (the experiment builds it; tests and tools may too).
    public init(
        configuration: EdgeOfStabilityExperiment.Configuration, losses: [Double], accuracies: [Double],
        sharpness: [SharpnessMeasurement], finalParameters: [Matrix<Double>] = []
    ) {
        self.configuration = configuration
        self.losses = losses
        self.accuracies = accuracies
        self.sharpness = sharpness
        self.finalParameters = finalParameters
    }

    /// The stability threshold: 2/η for gradient descent, the momentum bounds otherwise.
    public var threshold: Double { configuration.threshold }

    /// The statistics THEORY.md §7 tests, with measurements counted as settled
    /// from 200 steps after the first crossing.
    public var summary: EdgeOfStabilitySummary { summary(settlingSteps: 200) }

    /// The statistics THEORY.md §7 tests.
    ///
    /// - Parameter settlingSteps: how long after the first crossing t* the
    ///   sharpness is left to settle; S/threshold is summarized over the
    ///   measurements at t ≥ t* + settlingSteps. ≥ 0.
    public func summary(settlingSteps: Int) -> EdgeOfStabilitySummary {
        precondition(settlingSteps >= 0, "EdgeOfStabilityResult.summary: settlingSteps \(settlingSteps) must be ≥ 0")
        let crossing = sharpness.first { $0.value >= threshold }?.step
        let settled = crossing.map { start in
            sharpness.filter { $0.step >= start + settlingSteps }.map { $0.value / threshold }
        }
        let increases = losses.indices.dropLast().map { losses[$0 + 1] > losses[$0] }
        func fraction(_ range: Range<Int>) -> Double? {
            range.isEmpty ? nil : Double(increases[range].filter { $0 }.count) / Double(range.count)
        }
        let split = crossing ?? increases.count
        var largestIncrease = -Double.infinity
        for t in increases.indices { largestIncrease = max(largestIncrease, (losses[t + 1] - losses[t]) / losses[t]) }
        let peak = sharpness.max { $0.value < $1.value }
        return EdgeOfStabilitySummary(
            threshold: threshold,
            initialSharpness: sharpness.first?.value ?? .nan,
            finalSharpness: sharpness.last?.value ?? .nan,
            maximumSharpness: peak?.value ?? .nan,
            maximumSharpnessStep: peak?.step ?? 0,
            firstCrossingStep: crossing,
            lossAtCrossing: crossing.map { losses[$0] },
            settlingSteps: settlingSteps,
            settledRatios: settled.flatMap { $0.isEmpty ? nil : RatioStatistics($0) },
            lossIncreaseFractionBeforeCrossing: fraction(0..<split),
            lossIncreaseFractionAfterCrossing: crossing == nil ? nil : fraction(split..<increases.count),
            largestRelativeLossIncrease: largestIncrease,
            finalLoss: losses.last ?? .nan,
            finalAccuracy: accuracies.last ?? .nan)
    }
}

/// Median and range of the ratios S/threshold over a set of measurements.
public struct RatioStatistics: Sendable, Hashable, Codable {
    /// The number of measurements summarized, ≥ 1.
    public var count: Int
    /// The median (the mean of the two middle values for an even count).
    public var median: Double
    /// The smallest ratio.
    public var minimum: Double
    /// The largest ratio.
    public var maximum: Double

    /// The statistics of `ratios` (not empty).
    public init(_ ratios: [Double]) {
        precondition(!ratios.isEmpty, "RatioStatistics needs at least one ratio")
        let sorted = ratios.sorted()
        let middle = sorted.count / 2
        count = sorted.count
        median = sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
    }
}

/// The statistics of an edge-of-stability run that THEORY.md §7 checks.
public struct EdgeOfStabilitySummary: Sendable, Hashable, Codable {
    /// 2/η (or the momentum method's threshold).
    public var threshold: Double
    /// S at step 0.
    public var initialSharpness: Double
    /// S at the last step.
    public var finalSharpness: Double
    /// The largest measured S, and the step where it was measured.
    public var maximumSharpness: Double
    public var maximumSharpnessStep: Int
    /// t*: the first measured step with S ≥ threshold (0 when the run starts
    /// above it), or `nil` if S stayed below throughout.
    public var firstCrossingStep: Int?
    /// L(θ_{t*}), or `nil` without a crossing.
    public var lossAtCrossing: Double?
    /// The settling time used for ``settledRatios``.
    public var settlingSteps: Int
    /// S/threshold over the measurements at t ≥ t* + settlingSteps; `nil`
    /// without a crossing or without measurements that late.
    public var settledRatios: RatioStatistics?
    /// The share of steps t < t* (all steps without a crossing) with
    /// L_{t+1} > L_t; `nil` when t* = 0.
    public var lossIncreaseFractionBeforeCrossing: Double?
    /// The share of steps t ≥ t* with L_{t+1} > L_t; `nil` without a crossing.
    public var lossIncreaseFractionAfterCrossing: Double?
    /// max over t of (L_{t+1} − L_t)/L_t: ≤ 0 when the loss never rises
    /// (a monotone run), −∞ for a run of zero steps.
    public var largestRelativeLossIncrease: Double
    /// L at the last step.
    public var finalLoss: Double
    /// The training accuracy at the last step.
    public var finalAccuracy: Double
}
