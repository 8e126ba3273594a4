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
struct FrameworkResults: Codable {
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

    /// Reads the JSON file at `path`.
    /// - Throws: a message naming the file when it cannot be read or decoded.
    static func read(from path: String) throws(UsageError) -> FrameworkResults {
        do {
            return try JSONDecoder().decode(FrameworkResults.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw UsageError(
                "cannot read framework results from '\(path)' (expected the JSON of "
                    + "scripts/bench_training_frameworks.py --json): \(error)")
        }
    }

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

/// Checks before anything is measured that `path`'s directory exists, so a
/// bad `--json` path fails at once, not after the run.
/// - Throws: a message naming the directory.
func checkWritable(_ path: String) throws(UsageError) {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue,
        FileManager.default.isWritableFile(atPath: directory)
    else { throw UsageError("cannot write '\(path)': the directory '\(directory)' does not exist or is not writable") }
}

/// Writes `results` as JSON to `path`, atomically (Foundation writes a
/// temporary file beside it and renames it).
/// - Throws: a message naming the file.
func write(_ results: RunResults, to path: String) throws(UsageError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        try (encoder.encode(results) + Data([10])).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw UsageError("cannot write '\(path)': \(error)")
    }
}
