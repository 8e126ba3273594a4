// Records: every measured median as a flat record, for `--json` and for the
// comparison with scripts/bench_pytorch_autograd.py, whose JSON uses the same
// keys (model, scalar, batch, quantity, directions). BenchmarkSupport's
// `RecordFile` reads and writes the files.

import BenchmarkSupport
import Foundation

/// One measured quantity: median seconds per call, with its spread.
struct ResultRecord: Codable, Sendable {
    var suite: String
    /// "784-256-256-10".
    var model: String
    /// "Float" or "Double".
    var scalar: String
    var batch: Int
    /// What was timed: gradient, rawGradient, build, hvp, apply, applyPerDirection, fullHessian.
    var quantity: String
    /// k, for the batched products and the full Hessian.
    var directions: Int?
    /// Median seconds per call (per direction for applyPerDirection).
    var seconds: Double
    var lowerQuartile: Double?
    var upperQuartile: Double?
    var samples: Int?

    /// Whether this record measures the same thing as `other` (whoever measured it).
    func matches(_ other: ResultRecord) -> Bool {
        model == other.model && scalar == other.scalar && batch == other.batch && quantity == other.quantity
            && directions == other.directions
    }
}

/// The case a record belongs to.
struct RecordKey {
    var suite: Suite
    var model: ModelSpec
    var scalar: String
    var batch: Int

    init<Scalar>(suite: Suite, model: ModelSpec, scalar _: Scalar.Type, batch: Int) {
        self.suite = suite
        self.model = model
        self.scalar = "\(Scalar.self)"
        self.batch = batch
    }

    /// The record of computation `index` of `samples`, each time divided by `divisor`.
    func record(
        _ quantity: String, _ samples: InterleavedSamples, _ index: Int, directions: Int? = nil, divisor: Double = 1
    ) -> ResultRecord {
        let values = samples.seconds[index]
        return ResultRecord(
            suite: suite.rawValue, model: model.name, scalar: scalar, batch: batch, quantity: quantity,
            directions: directions, seconds: quantile(values, 0.5) / divisor,
            lowerQuartile: quantile(values, 0.25) / divisor, upperQuartile: quantile(values, 0.75) / divisor,
            samples: values.count)
    }
}

// MARK: - Reference results from PyTorch

/// What scripts/bench_pytorch_autograd.py writes.
struct ReferenceResults: Codable, ComparisonResults {
    var torchVersion: String
    var threads: Int
    var results: [ResultRecord]

    enum CodingKeys: String, CodingKey {
        case torchVersion = "torch_version"
        case threads, results
    }

    static let optionName = "pytorch"
    static let optionHelp = "JSON from scripts/bench_pytorch_autograd.py: adds a comparison table."
    static let description = "PyTorch results"
    static let producer = "scripts/bench_pytorch_autograd.py --json"

    /// The reference's median seconds for what `record` measures, if it has
    /// one — from the same suite when it has it there, so that a ratio of two
    /// reference numbers compares computations timed in the same rounds.
    func seconds(matching record: ResultRecord) -> Double? {
        (results.first { $0.suite == record.suite && $0.matches(record) } ?? results.first { $0.matches(record) })?.seconds
    }
}

// MARK: - Writing the results

/// The whole run, as written by `--json`.
struct RunResults: Encodable {
    var program = "autograd-bench"
    var arguments: [String]
    var seed: UInt64
    var machine: MachineDescription
    var totalSeconds: Double
    var results: [ResultRecord]
    /// The PyTorch results given with `--pytorch`, if any.
    var pytorch: ReferenceResults?
    var checksum: Double
}
