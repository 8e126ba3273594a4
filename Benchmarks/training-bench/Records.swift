// Records: every result as a flat record, for `--json`, and the results of
// scripts/bench_training_frameworks.py (PyTorch and JAX), which writes the
// same record types with the same keys.

import BenchmarkSupport
import Foundation

/// Samples per second of one framework, optimizer and batch size.
struct ThroughputRecord: Codable, Sendable {
    /// "descent-trainer", "descent-engine", "pytorch", "jax" (blocking every
    /// step) or "jax-pipelined" (blocking once per epoch).
    var framework: String
    var optimizer: OptimizerKind
    var batch: Int
    /// The median over the runs.
    var samplesPerSecond: Double
    var lowerQuartile: Double
    var upperQuartile: Double
    /// Samples per second of each run, in the order measured.
    var runs: [Double]
    /// Whole epochs (of every example) in one run.
    var epochsPerRun: Int
    /// The share of all CPUs' time that other processes used while the case was measured.
    var competingLoad: Double?

    init(framework: String, optimizer: OptimizerKind, batch: Int, runs: [Double], epochsPerRun: Int) {
        self.framework = framework
        self.optimizer = optimizer
        self.batch = batch
        self.samplesPerSecond = median(runs)
        self.lowerQuartile = quantile(runs, 0.25)
        self.upperQuartile = quantile(runs, 0.75)
        self.runs = runs
        self.epochsPerRun = epochsPerRun
    }
}

/// Wall time of 20 epochs of Adam at batch 32.
struct EpochsRecord: Codable, Sendable {
    var framework: String
    /// The median over the runs, in seconds.
    var seconds: Double
    var runs: [Double]
    /// JAX's jit compilation (first calls, excluded from `seconds`); `nil` elsewhere.
    var compileSeconds: Double?
    /// Training loss and accuracy on all examples after the 20 epochs (a check that all train alike).
    var finalLoss: Double?
    var finalAccuracy: Double?
    /// The share of all CPUs' time that other processes used while it was measured.
    var competingLoad: Double?
}

/// Seconds per step of each phase (median over runs).
struct PhaseRecord: Codable, Sendable {
    var optimizer: OptimizerKind
    var batch: Int
    var phase: Phase
    var secondsPerStep: Double
}

// MARK: - PyTorch and JAX

/// What scripts/bench_training_frameworks.py writes.
struct FrameworkResults: Codable, ComparisonResults {
    var program: String
    var torchVersion: String
    var jaxVersion: String
    var optaxVersion: String
    var threads: Int
    var examples: Int
    /// How the thread counts were limited, in words.
    var threadSettings: String
    var throughput: [ThroughputRecord]
    var twentyEpochs: [EpochsRecord]

    static let optionName = "frameworks"
    static let optionHelp = "JSON from scripts/bench_training_frameworks.py: adds PyTorch and JAX columns and the ratios."
    static let description = "framework results"
    static let producer = "scripts/bench_training_frameworks.py --json"

    /// The median samples per second of `framework` for this optimizer and batch size.
    func samplesPerSecond(_ framework: String, _ optimizer: OptimizerKind, _ batch: Int) -> Double? {
        throughput.first { $0.framework == framework && $0.optimizer == optimizer && $0.batch == batch }?.samplesPerSecond
    }
}

// MARK: - Writing the results

/// The whole run, as written by `--json`.
struct RunResults: Encodable {
    var program = "training-bench"
    var arguments: [String]
    var seed: UInt64
    var examples: Int
    var recordsSteps: Bool
    var machine: MachineDescription
    var totalSeconds: Double
    var throughput: [ThroughputRecord]
    var phases: [PhaseRecord]
    var twentyEpochs: [EpochsRecord]
    /// The PyTorch and JAX results given with `--frameworks`, if any.
    var frameworks: FrameworkResults?
    var checksum: Double
}
