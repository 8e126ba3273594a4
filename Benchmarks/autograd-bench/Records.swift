// Records: every measured median as a flat record, for `--json` and for the
// comparison with scripts/bench_pytorch_autograd.py, whose JSON uses the same
// keys (model, scalar, batch, quantity, directions).

import BenchmarkSupport
import Foundation
import Glibc

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
struct ReferenceResults: Codable {
    var torchVersion: String
    var threads: Int
    var results: [ResultRecord]

    enum CodingKeys: String, CodingKey {
        case torchVersion = "torch_version"
        case threads, results
    }

    /// Reads the JSON file at `path`.
    /// - Throws: a message naming the file when it cannot be read or decoded.
    static func read(from path: String) throws(UsageError) -> ReferenceResults {
        do {
            return try JSONDecoder().decode(ReferenceResults.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw UsageError(
                "cannot read PyTorch results from '\(path)' (expected the JSON of scripts/bench_pytorch_autograd.py --json): \(error)"
            )
        }
    }

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

/// Checks before anything is measured that `path`'s directory exists and is
/// writable, so a bad `--json` path fails at once, not after the run.
/// - Throws: a message naming the directory.
func checkWritable(_ path: String) throws(UsageError) {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    let directory = path.dropLast(name.count).isEmpty ? "." : String(path.dropLast(name.count))
    guard !name.isEmpty, access(directory, W_OK) == 0 else {
        throw UsageError("cannot write '\(path)': the directory '\(directory)' does not exist or is not writable")
    }
}

/// Writes `results` as JSON to `path` atomically: to a temporary file beside
/// it, flushed, then renamed over it (DescentLinalg's AtomicFileWriter does the
/// same for matrix files; it is internal to that module).
/// - Throws: a message naming the step that failed.
func writeAtomically(_ results: RunResults, to path: String) throws(UsageError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let bytes: [UInt8]
    do { bytes = Array(try encoder.encode(results)) + [10] } catch {
        throw UsageError("cannot encode the results: \(error)")
    }
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    let temporary = "\(path.dropLast(name.count)).\(name).tmp-\(getpid())"
    func failure(_ step: String) -> UsageError {
        UsageError("cannot write '\(path)': \(step): \(String(cString: strerror(errno)))")
    }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure("cannot create a temporary file beside it") }
    let written = bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }
    let flushed = written && fsync(descriptor) == 0
    let closed = close(descriptor) == 0
    guard flushed && closed else {
        let error = failure(written ? "cannot flush the file" : "cannot write the file")
        unlink(temporary)
        throw error
    }
    guard rename(temporary, path) == 0 else {
        let error = failure("cannot replace the file")
        unlink(temporary)
        throw error
    }
}
